"""Protocol events as JSON lines on a private copy of stdout, flushed after each line.

Frameworks print to stdout (Keras export summaries, the ONNX exporter's progress), which would corrupt the event
stream; `claim_stdout` therefore moves the real stdout aside for events and points file descriptor 1, and with it
every stray print from Python or C, at stderr.
"""
import json
import math
import os
import sys
from typing import IO, Any


def claim_stdout() -> IO[str]:
    events_fd = os.dup(1)
    sys.stdout.flush()
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(events_fd, "w", encoding="utf-8", buffering=1)


def _check_finite(value: Any, path: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"event field {path} is {value}: JSON has no non-finite numbers")
    if isinstance(value, dict):
        for k, v in value.items():
            _check_finite(v, f"{path}.{k}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _check_finite(v, f"{path}[{i}]")


class EventWriter:
    def __init__(self, stream: IO[str]):
        self._stream = stream

    def emit(self, type_: str, **fields: Any) -> None:
        event = {"type": type_, **fields}
        _check_finite(event, type_)
        self._stream.write(json.dumps(event, allow_nan=False) + "\n")
        self._stream.flush()

    def log(self, message: str) -> None:
        self.emit("log", message=message)

    def error(self, kind: str, message: str) -> None:
        self.emit("error", kind=kind, message=message)
