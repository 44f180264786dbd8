"""bindbench's Python runner: one process per request, speaking runner protocol 1 (docs/protocol.md)."""

PROTOCOL_VERSION = 1
