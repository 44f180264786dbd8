"""Shape inference over a zoo model spec (layers as data), mirroring src/zoo/parameters.ts.

Both backends build their native layers from `plan_layers`, so the input sizes of every layer, the canonical
parameter shapes and the (H, W, C) shape a flatten saw come from one walk of the spec.
"""
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class PlannedLayer:
    spec: dict
    #: Activation shape (H, W, C) or (features,) entering the layer.
    input_shape: tuple
    output_shape: tuple
    #: For a dense layer directly after a flatten: the (H, W, C) map that was flattened, else None.
    flattened_from: Optional[tuple] = None


def plan_layers(model: dict) -> list:
    shape = tuple(model["input_shape"])
    planned = []
    previous_flatten_input = None
    for layer in model["layers"]:
        kind = layer["kind"]
        flattened_from = None
        if kind == "conv2d":
            h, w, _ = shape
            k = layer["kernel"]
            out = (h, w, layer["filters"]) if layer["padding"] == "same" else (h - k + 1, w - k + 1, layer["filters"])
        elif kind == "maxpool2d":
            h, w, c = shape
            out = (h // layer["size"], w // layer["size"], c)
        elif kind == "flatten":
            out = (_product(shape),)
        elif kind == "dense":
            flattened_from = previous_flatten_input
            out = (layer["units"],)
        else:
            raise ValueError(f"unknown layer kind {kind!r}")
        if len(out) == 3 and min(out) < 1:
            raise ValueError(f"layer {layer.get('name', kind)} would produce an empty map {out} from {shape}")
        planned.append(PlannedLayer(layer, shape, out, flattened_from))
        previous_flatten_input = shape if kind == "flatten" else None
        shape = out
    return planned


def canonical_shapes(model: dict) -> dict:
    """Parameter name -> canonical shape (conv OIHW, dense [out, in]), in layer order."""
    shapes = {}
    for p in plan_layers(model):
        layer = p.spec
        if layer["kind"] == "conv2d":
            k = layer["kernel"]
            shapes[f"{layer['name']}.weight"] = (layer["filters"], p.input_shape[2], k, k)
            if layer["bias"]:
                shapes[f"{layer['name']}.bias"] = (layer["filters"],)
        elif layer["kind"] == "dense":
            shapes[f"{layer['name']}.weight"] = (layer["units"], _product(p.input_shape))
            if layer["bias"]:
                shapes[f"{layer['name']}.bias"] = (layer["units"],)
    return shapes


def parameter_count(model: dict) -> int:
    return sum(_product(s) for s in canonical_shapes(model).values())


def _product(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n
