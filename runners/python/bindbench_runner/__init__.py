"""bindbench's Python runner: one process per request, speaking runner protocol 2 (docs/protocol.md)."""

PROTOCOL_VERSION = 2
