/**
 * Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line: readline would build a
 * string of any length and end the orchestrator with a RangeError on a runner's runaway line. A line over the limit
 * is reported (`onOverlong`) and dropped as it arrives; the lines after it are read as usual.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private held = 0;
  private overlong = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverlong: (bytes: number) => void,
  ) {}

  private dropped = 0;

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.take(chunk.subarray(start, nl));
      this.endLine();
      start = nl + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start));
  }

  /** The stream ended: a last line without a newline is still a line. */
  end(): void {
    if (this.held > 0 || this.overlong) this.endLine();
  }

  private take(piece: Buffer): void {
    if (this.overlong) {
      this.dropped += piece.length;
      return;
    }
    if (this.held + piece.length > this.maxLineBytes) {
      this.overlong = true;
      this.dropped = this.held + piece.length;
      this.parts = [];
      this.held = 0;
      return;
    }
    this.parts.push(Buffer.from(piece));
    this.held += piece.length;
  }

  private endLine(): void {
    if (this.overlong) {
      this.onOverlong(this.dropped);
      this.overlong = false;
      this.dropped = 0;
      return;
    }
    const line = Buffer.concat(this.parts, this.held).toString('utf8').replace(/\r$/, '');
    this.parts = [];
    this.held = 0;
    this.onLine(line);
  }
}
