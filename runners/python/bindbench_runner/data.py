"""Reads the request's files: verified against their sha256, decoded from safetensors into numpy.

The canonical cache stores y as I64 [N] and x as U8 images [N, H, W, C], which become float32 x/255 here, once,
so both backends start from the same bytes, or as I32 token ids [N, T], kept as they are. Layout changes for a
framework happen in layout.py, not here.
"""
import hashlib
import os
from dataclasses import dataclass

import numpy as np
from safetensors.numpy import load_file, save_file

from .errors import bad_request
from .spec import canonical_shapes, takes_tokens


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_verified(ref: dict, what: str) -> dict:
    """Loads {path, sha256} as safetensors after checking the bytes are the ones the orchestrator named."""
    path = ref["path"]
    if not os.path.isfile(path):
        raise bad_request(f"{what} file {path} does not exist")
    actual = sha256_file(path)
    if actual != ref["sha256"]:
        raise bad_request(f"{what} file {path} has sha256 {actual}, the request expects {ref['sha256']}: the file changed since the request was written")
    try:
        return load_file(path)
    except Exception as e:  # the safetensors library raises its own error types
        raise bad_request(f"{what} file {path} is not valid safetensors: {e}") from None


@dataclass
class Split:
    #: float32 [N, H, W, C] in [0, 1] (images) or int32 [N, T] token ids.
    x: np.ndarray
    #: int64 [N].
    y: np.ndarray

    @property
    def n(self) -> int:
        return int(self.y.shape[0])


def load_split(ref: dict, what: str, model: dict, limit=None) -> Split:
    """The split as the model takes it, keyed on the dtype of `x`: U8 images become float32 x/255, I32 token ids
    stay integers (checked against the embedding's vocabulary)."""
    tensors = load_verified(ref, what)
    if "x" not in tensors or "y" not in tensors:
        raise bad_request(f"{what} file {ref['path']} must hold tensors x and y, found {sorted(tensors)}")
    x, y = tensors["x"], tensors["y"]
    input_shape, classes = tuple(model["input_shape"]), model["classes"]
    expected = np.int32 if takes_tokens(model) else np.uint8
    if x.dtype != expected or tuple(x.shape[1:]) != input_shape:
        kind = "token ids" if expected == np.int32 else "images"
        raise bad_request(f"{what} x must be {'I32' if expected == np.int32 else 'U8'} [N, {', '.join(map(str, input_shape))}] ({kind} for model {model['id']}), "
                          f"found {x.dtype} {list(x.shape)}")
    if y.dtype != np.int64 or y.shape != (x.shape[0],):
        raise bad_request(f"{what} y must be I64 [{x.shape[0]}], found {y.dtype} {list(y.shape)}")
    if limit is not None:
        if limit > x.shape[0]:
            raise bad_request(f"data.{what}_limit {limit} exceeds the {x.shape[0]} examples in {ref['path']}")
        x, y = x[:limit], y[:limit]
    if y.size and (y.min() < 0 or y.max() >= classes):
        raise bad_request(f"{what} labels must lie in 0..{classes - 1}, found {y.min()}..{y.max()}")
    if expected == np.int32:
        vocab = model["layers"][0]["vocab"]
        if x.size and (x.min() < 0 or x.max() >= vocab):
            raise bad_request(f"{what} token ids must lie in 0..{vocab - 1} (the embedding's vocabulary), found {x.min()}..{x.max()}")
        return Split(x=np.ascontiguousarray(x), y=np.ascontiguousarray(y))
    return Split(x=x.astype(np.float32) / np.float32(255), y=np.ascontiguousarray(y))


def load_order(ref: dict, epochs: int, n: int) -> np.ndarray:
    """The shared order: int64 [epochs, n], each row checked to be a permutation of 0..n-1."""
    tensors = load_verified(ref, "order")
    order = tensors.get("order")
    if order is None or order.dtype != np.int32 or order.ndim != 2:
        raise bad_request(f"order file {ref['path']} must hold `order` I32 [epochs, n]")
    if order.shape[0] < epochs or order.shape[1] != n:
        raise bad_request(f"order file {ref['path']} has shape {list(order.shape)}, the run needs [{epochs}, {n}] ({epochs} epochs over {n} training examples)")
    order = order[:epochs].astype(np.int64)
    expected = np.arange(n)
    for e, row in enumerate(order):
        if not np.array_equal(np.sort(row), expected):
            raise bad_request(f"order file {ref['path']}: row {e} is not a permutation of 0..{n - 1}")
    return order


def check_canonical(model: dict, tensors: dict, source: str) -> dict:
    """Checks names, shapes and dtype against the spec's canonical parameters; returns them in layer order."""
    expected = canonical_shapes(model)
    missing = sorted(set(expected) - set(tensors))
    extra = sorted(set(tensors) - set(expected))
    if missing or extra:
        raise bad_request(f"{source} does not match model {model['id']}: missing {missing or 'none'}, unexpected {extra or 'none'}")
    checked = {}
    for name, shape in expected.items():
        t = tensors[name]
        if t.dtype != np.float32 or tuple(t.shape) != shape:
            raise bad_request(f"{source}: {name} must be F32 {list(shape)}, found {t.dtype} {list(t.shape)}")
        checked[name] = t
    return checked


def load_canonical_weights(model: dict, path: str, sha256=None) -> dict:
    if sha256 is not None:
        tensors = load_verified({"path": path, "sha256": sha256}, "init_weights")
    else:
        if not os.path.isfile(path):
            raise bad_request(f"weights file {path} does not exist")
        try:
            tensors = load_file(path)
        except Exception as e:
            raise bad_request(f"weights file {path} is not valid safetensors: {e}") from None
    return check_canonical(model, tensors, path)


def save_canonical_weights(model: dict, tensors: dict, path: str, metadata: dict) -> None:
    checked = check_canonical(model, tensors, "the model's own weights")
    save_file({k: np.ascontiguousarray(v) for k, v in checked.items()}, path, metadata={k: str(v) for k, v in metadata.items()})
