"""Every conversion between bindbench's canonical layouts and a framework's native ones, in one place.

Canonical (docs/models.md): inputs NHWC in the cache; conv weights OIHW; dense weights [out, in] with a flatten
enumerating (C, H, W). PyTorch is canonical for weights and wants NCHW inputs; Keras keeps conv kernels HWIO,
dense kernels [in, out], and flattens NHWC maps in (H, W, C) order. All functions take and return numpy arrays
and never alias their input.
"""
import numpy as np

from .spec import plan_layers


def nhwc_to_nchw(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def conv_oihw_to_hwio(w: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(w.transpose(2, 3, 1, 0))


def conv_hwio_to_oihw(w: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(w.transpose(3, 2, 0, 1))


def dense_canonical_to_keras(w: np.ndarray, flattened_from=None) -> np.ndarray:
    """[out, in] -> [in, out]; after a flatten of an (H, W, C) map, `in` goes from (C, H, W) to (H, W, C) order."""
    if flattened_from is not None:
        h, w_, c = flattened_from
        out = w.shape[0]
        w = w.reshape(out, c, h, w_).transpose(0, 2, 3, 1).reshape(out, h * w_ * c)
    return np.ascontiguousarray(w.T)


def dense_keras_to_canonical(k: np.ndarray, flattened_from=None) -> np.ndarray:
    w = k.T
    if flattened_from is not None:
        h, w_, c = flattened_from
        out = w.shape[0]
        w = w.reshape(out, h, w_, c).transpose(0, 3, 1, 2).reshape(out, c * h * w_)
    return np.ascontiguousarray(w)


def canonical_to_keras_layers(model: dict, tensors: dict) -> dict:
    """Canonical tensors -> {keras layer name: [kernel, bias?]} in Keras's own layouts."""
    weights = {}
    for p in plan_layers(model):
        layer = p.spec
        if layer["kind"] not in ("conv2d", "dense"):
            continue
        name = layer["name"]
        w = tensors[f"{name}.weight"]
        kernel = conv_oihw_to_hwio(w) if layer["kind"] == "conv2d" else dense_canonical_to_keras(w, p.flattened_from)
        weights[name] = [kernel] + ([np.array(tensors[f"{name}.bias"], copy=True)] if layer["bias"] else [])
    return weights


def keras_layers_to_canonical(model: dict, layer_weights: dict) -> dict:
    """{keras layer name: [kernel, bias?]} -> canonical tensors, named and shaped as docs/models.md says."""
    tensors = {}
    for p in plan_layers(model):
        layer = p.spec
        if layer["kind"] not in ("conv2d", "dense"):
            continue
        name = layer["name"]
        kernel, *rest = layer_weights[name]
        kernel = np.asarray(kernel)
        tensors[f"{name}.weight"] = conv_hwio_to_oihw(kernel) if layer["kind"] == "conv2d" else dense_keras_to_canonical(kernel, p.flattened_from)
        if layer["bias"]:
            tensors[f"{name}.bias"] = np.array(rest[0], copy=True)
    return tensors
