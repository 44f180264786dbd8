/**
 * The runner protocol version. Bump on any change a runner must know about; runners echo it in `start`
 * and the orchestrator refuses a runner that speaks another version.
 */
export const PROTOCOL_VERSION = 1;
