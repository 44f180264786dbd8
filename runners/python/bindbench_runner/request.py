"""Reads and checks the request file against the protocol (src/protocol/request.ts is the source of truth).

Only what this runner relies on is checked, each with a message naming the field, so a malformed request fails as
`bad_request` before anything runs rather than as a KeyError halfway through training.
"""
import json
from typing import Any

from . import PROTOCOL_VERSION
from .errors import bad_request

#: How mode `train` trains (protocol 2): bindbench's own loop, or the binding's documented training API.
STYLES = ("minimal", "idiomatic")
ARTIFACT_FORMATS = ("safetensors", "torch-state-dict", "torchscript", "keras", "savedmodel", "tfjs-layers", "onnx")


def _get(obj: dict, key: str, path: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise bad_request(f"request field {path}{key} is missing")
    return obj[key]


def _int(obj: dict, key: str, path: str, minimum: int = 0, nullable: bool = False) -> Any:
    value = _get(obj, key, path)
    if value is None and nullable:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise bad_request(f"request field {path}{key} must be an integer >= {minimum}, got {value!r}")
    return value


def _enum(obj: dict, key: str, path: str, allowed: tuple) -> str:
    value = _get(obj, key, path)
    if value not in allowed:
        raise bad_request(f"request field {path}{key} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _bool(obj: dict, key: str, path: str) -> bool:
    value = _get(obj, key, path)
    if not isinstance(value, bool):
        raise bad_request(f"request field {path}{key} must be true or false, got {value!r}")
    return value


def _file(obj: dict, key: str, path: str, nullable: bool) -> Any:
    value = _get(obj, key, path)
    if value is None and nullable:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("path"), str) or not isinstance(value.get("sha256"), str):
        raise bad_request(f"request field {path}{key} must be {{path, sha256}}, got {value!r}")
    return value


def _number(obj: dict, key: str, path: str, low: float, high: float = None, native: bool = False) -> Any:
    """A number in (low, high) (or >= low for a rate), or "native" where the spec allows the framework's default."""
    value = _get(obj, key, path)
    if native and value == "native":
        return value
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= low and (high is None or value < high)
    if not ok:
        allowed = f"a number in [{low}, {high})" if high is not None else f"a number >= {low}"
        if native:
            allowed += ' or "native"'
        raise bad_request(f"request field {path}{key} must be {allowed}, got {value!r}")
    return value


ACTIVATIONS = ("linear", "tanh", "relu", "sigmoid")

def _gates(layer: dict, prefix: str) -> None:
    """recurrent_activation: absent or sigmoid, or native (this runner's frameworks default to the sigmoid too)."""
    if "recurrent_activation" in layer:
        _enum(layer, "recurrent_activation", prefix, ("sigmoid", "native"))


#: Per layer kind, the checks of its fields (src/zoo/model-spec.ts).
LAYER_FIELDS = {
    "conv2d": lambda l, p: (_get(l, "name", p), _int(l, "filters", p, 1), _int(l, "kernel", p, 1),
                            _enum(l, "padding", p, ("same", "valid")), _enum(l, "activation", p, ACTIVATIONS), _get(l, "bias", p)),
    "maxpool2d": lambda l, p: _int(l, "size", p, 1),
    "flatten": lambda l, p: None,
    "dense": lambda l, p: (_get(l, "name", p), _int(l, "units", p, 1), _enum(l, "activation", p, ACTIVATIONS), _get(l, "bias", p)),
    "batch_norm": lambda l, p: (_get(l, "name", p), _number(l, "momentum", p, 0, 1, native=True), _number(l, "epsilon", p, 0, 1, native=True)),
    "activation": lambda l, p: _enum(l, "activation", p, ACTIVATIONS),
    "dropout": lambda l, p: _number(l, "rate", p, 0, 1),
    "embedding": lambda l, p: (_get(l, "name", p), _int(l, "vocab", p, 1), _int(l, "dim", p, 1)),
    "lstm": lambda l, p: (_get(l, "name", p), _int(l, "units", p, 1), _gates(l, p)),
    "gru": lambda l, p: (_get(l, "name", p), _int(l, "units", p, 1), _bool(l, "reset_after", p), _gates(l, p)),
    "bert": lambda l, p: (_get(l, "name", p), *(_int(l, k, p, 1) for k in ("vocab", "hidden", "layers", "heads", "intermediate", "max_position", "type_vocab")),
                          _number(l, "layer_norm_epsilon", p, 1e-30), _number(l, "dropout", p, 0, 1)),
}


def _check_model(model: Any) -> None:
    if not isinstance(model, dict):
        raise bad_request("request field model must be a model spec object")
    for key in ("id", "input_shape", "classes", "layers"):
        _get(model, key, "model.")
    shape = model["input_shape"]
    if not (isinstance(shape, list) and len(shape) in (1, 3) and all(isinstance(d, int) and d > 0 for d in shape)):
        raise bad_request(f"model.input_shape must be [H, W, C] (images) or [T] (token ids), got {shape!r}")
    if model.get("output", "softmax") not in ("softmax", "sigmoid"):
        raise bad_request(f"request field model.output must be one of softmax, sigmoid, got {model['output']!r}")
    for i, layer in enumerate(model["layers"]):
        path = f"model.layers[{i}]."
        kind = _enum(layer, "kind", path, tuple(LAYER_FIELDS))
        LAYER_FIELDS[kind](layer, path)


def validate(request: Any) -> dict:
    if not isinstance(request, dict):
        raise bad_request("the request must be a JSON object")
    protocol = _get(request, "protocol", "")
    if protocol != PROTOCOL_VERSION:
        raise bad_request(f"request protocol {protocol!r} is not supported: this runner speaks protocol {PROTOCOL_VERSION}")
    _get(request, "binding", "")
    mode = _enum(request, "mode", "", ("train", "infer", "export"))
    _check_model(_get(request, "model", ""))
    hyper = _get(request, "hyper", "")
    _int(hyper, "epochs", "hyper.", 1)
    _int(hyper, "batch_size", "hyper.", 1)
    optimizer = _get(hyper, "optimizer", "hyper.")
    _enum(optimizer, "name", "hyper.optimizer.", ("sgd", "adam"))
    lr = _get(optimizer, "learning_rate", "hyper.optimizer.")
    if not isinstance(lr, (int, float)) or isinstance(lr, bool) or not lr > 0:
        raise bad_request(f"request field hyper.optimizer.learning_rate must be a positive number, got {lr!r}")
    for key, low, high in (("beta_1", 0, 1), ("beta_2", 0, 1), ("epsilon", 0, None)):
        if key in optimizer:
            _number(optimizer, key, "hyper.optimizer.", low, high)
    _enum(hyper, "loss", "hyper.", ("sparse_categorical_crossentropy", "binary_crossentropy"))
    data = _get(request, "data", "")
    _file(data, "train", "data.", nullable=False)
    _file(data, "test", "data.", nullable=False)
    _int(data, "train_limit", "data.", 1, nullable=True)
    if "test_limit" in data:
        _int(data, "test_limit", "data.", 1, nullable=True)
    _int(request, "seed", "", 0)
    _enum(request, "device", "", ("cpu", "cuda"))
    if request.get("style") not in STYLES:
        got = "it is missing" if "style" not in request else f"got {request['style']!r}"
        raise bad_request(f"request field style must be one of {', '.join(STYLES)} (required since protocol 2), {got}")
    order = _enum(request, "data_order", "", ("shared", "native"))
    if _file(request, "order", "", nullable=True) is None and order == "shared" and mode == "train":
        raise bad_request("data_order is shared but the request has no order file")
    if not isinstance(request.get("deterministic", True), bool):
        raise bad_request(f"request field deterministic must be true or false, got {request['deterministic']!r}")
    threads = request.get("threads")
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
        raise bad_request(f"request field threads must be a whole number of at least 1 or null, got {threads!r}")
    init = _enum(request, "init", "", ("shared", "native"))
    if _file(request, "init_weights", "", nullable=True) is None and init == "shared" and mode == "train":
        raise bad_request("init is shared but the request has no init_weights file")
    if not isinstance(_get(request, "output_dir", ""), str):
        raise bad_request("request field output_dir must be a path")
    artifacts = _get(request, "artifacts", "")
    if not isinstance(artifacts, list) or any(a not in ARTIFACT_FORMATS for a in artifacts):
        raise bad_request(f"request field artifacts must list formats from {', '.join(ARTIFACT_FORMATS)}, got {artifacts!r}")
    weights = _get(request, "weights", "")
    if mode in ("infer", "export"):
        if not isinstance(weights, dict) or not isinstance(weights.get("path"), str):
            raise bad_request(f"mode {mode} needs weights {{format, path}}, got {weights!r}")
        _enum(weights, "format", "weights.", ARTIFACT_FORMATS)
    inference = _get(request, "inference", "")
    _int(inference, "warmup", "inference.", 0)
    _int(inference, "repetitions", "inference.", 1)
    _int(inference, "batch_size", "inference.", 1)
    if not isinstance(_get(inference, "include_train", "inference."), bool):
        raise bad_request("request field inference.include_train must be true or false")
    if "test_every" in request:
        _int(request, "test_every", "", 1)
    _int(request, "record_step_losses", "", 0)
    return request


def read_request(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except FileNotFoundError:
        raise bad_request(f"request file {path} does not exist") from None
    except json.JSONDecodeError as e:
        raise bad_request(f"request file {path} is not valid JSON: {e}") from None
    return validate(raw)
