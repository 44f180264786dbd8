/**
 * The runner protocol version. Bump on any change a runner must know about; runners echo it in `start`
 * and the orchestrator refuses a runner that speaks another version.
 */
export const PROTOCOL_VERSION = 2;

/** What each version added, for the docs and for error messages that meet an old runner. */
export const PROTOCOL_HISTORY: Record<number, string> = {
  1: 'the first protocol',
  2: 'the request field `style` (minimal | idiomatic training)',
};
