/**
 * The one output layer of the commands: a command computes a result (data, and the text a person reads) and this
 * prints it, as JSON with `--json` or as the text otherwise. Commands never write to stdout themselves, so every
 * one of them can be called from code and its data used.
 */
export interface CommandResult<T = unknown> {
  data: T;
  /** What a person reads; ends with a newline (or is empty). */
  text: string;
}

export function emit(result: CommandResult, asJson = false): void {
  process.stdout.write(asJson ? JSON.stringify(result.data, null, 2) + '\n' : result.text);
}
