"""Mode `export`: load a model's parameters from one artifact and write it in the requested formats."""
import os

from .backend import Backend
from .errors import bad_request
from .events import EventWriter


def run_export(backend: Backend, request: dict, events: EventWriter) -> None:
    if not request["artifacts"]:
        raise bad_request("mode export needs at least one format in artifacts")
    backend.build(request["model"])
    backend.load_for_export(request["weights"]["format"], request["weights"]["path"])
    output_dir = os.path.abspath(request["output_dir"])
    for fmt in request["artifacts"]:
        events.emit("artifact", format=fmt, path=backend.write_artifact(fmt, output_dir))
