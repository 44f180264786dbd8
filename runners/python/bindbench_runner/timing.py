"""The protocol's clock: time.perf_counter, read only after the device has finished the work being timed."""
import time
from typing import Callable


class Stopwatch:
    """Times a region; `sync` runs before the clock is read at the end so asynchronous work is counted."""

    def __init__(self, sync: Callable[[], None]):
        self._sync = sync
        self.seconds = 0.0

    def __enter__(self) -> "Stopwatch":
        self._start = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self._sync()
        self.seconds = time.perf_counter() - self._start
