/** Pure parsing of a runner's stdout into events; a bad line is a ProtocolError naming its line and text. */
import { runnerEventSchema, type RunnerEvent } from './events.js';

export class ProtocolError extends Error {
  override name = 'ProtocolError';
  constructor(
    message: string,
    readonly line: number,
    readonly raw: string,
  ) {
    super(`protocol error on line ${line}: ${message}: ${raw.slice(0, 200)}`);
  }
}

/** Parses one line (1-based `line` for messages). Blank lines are not events. */
export function parseEventLine(raw: string, line: number): RunnerEvent | null {
  const text = raw.trim();
  if (text === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProtocolError('not JSON', line, text);
  }
  const parsed = runnerEventSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProtocolError(`${issue?.path.join('.') || 'event'}: ${issue?.message}`, line, text);
  }
  return parsed.data;
}

/** Parses a whole JSON-lines text. */
export function parseEvents(text: string): RunnerEvent[] {
  const events: RunnerEvent[] = [];
  text.split('\n').forEach((raw, i) => {
    const event = parseEventLine(raw, i + 1);
    if (event) events.push(event);
  });
  return events;
}
