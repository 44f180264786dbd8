"""The runner process: request in, events out, exit code 0 only after `end` (docs/protocol.md)."""
import sys
import time
import traceback

from . import PROTOCOL_VERSION
from .backends import create_backend
from .errors import RunnerError, bad_request
from .events import EventWriter, claim_stdout
from .export import run_export
from .inference import run_infer
from .request import read_request
from .training import run_train

MODES = {"train": run_train, "infer": run_infer, "export": run_export}


def run(argv: list, events: EventWriter, started: float) -> None:
    if len(argv) != 1:
        raise bad_request("usage: python -m bindbench_runner <request.json>")
    request = read_request(argv[0])
    backend = create_backend(request["binding"])
    device, settings = backend.configure(request["seed"], request["device"], request.get("deterministic", True), request.get("threads"))
    settings["style"] = request["style"]
    events.emit("start", protocol=PROTOCOL_VERSION, binding=request["binding"], language="python",
                framework=backend.framework, versions=backend.versions(), device=device, settings=settings)
    print(f"bindbench runner: run {request['run_id']}, {request['binding']}, mode {request['mode']}", file=sys.stderr)
    train_seconds = MODES[request["mode"]](backend, request, events)
    peak = backend.peak_device_bytes()
    events.emit("end", train_seconds=train_seconds or 0.0, wall_seconds=time.perf_counter() - started,
                **({"peak_device_bytes": int(peak)} if peak is not None else {}))


def main(argv: list, started: float = None) -> int:
    started = time.perf_counter() if started is None else started
    events = EventWriter(claim_stdout())
    try:
        run(argv, events, started)
        return 0
    except RunnerError as e:
        events.error(e.kind, e.message)
    except Exception as e:  # anything unplanned: keep the traceback on stderr, the gist in the event
        traceback.print_exc()
        events.error("failed", f"{type(e).__name__}: {e}")
    except KeyboardInterrupt:
        events.error("failed", "interrupted")
    return 1
