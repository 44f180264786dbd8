"""Binding id -> backend, imported lazily so each venv needs only its own framework."""
import importlib

from .errors import RunnerError, bad_request

BACKENDS = {
    "pytorch/python": ("bindbench_runner.torch_backend", "TorchBackend", "torch"),
    "tensorflow/python": ("bindbench_runner.tf_backend", "TfBackend", "tensorflow"),
}


def create_backend(binding: str):
    if binding not in BACKENDS:
        raise bad_request(f"binding {binding!r} is not served by the Python runner (it serves {', '.join(BACKENDS)})")
    module_name, class_name, framework_module = BACKENDS[binding]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and e.name.split(".")[0] == framework_module:
            raise RunnerError("failed", f"{binding} needs the Python package {framework_module}, which this Python cannot import ({e}): run `bindbench setup --bindings {binding}`") from None
        raise
    return getattr(module, class_name)()
