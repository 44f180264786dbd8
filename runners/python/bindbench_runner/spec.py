"""Shape inference over a zoo model spec (layers as data), mirroring src/zoo/parameters.ts.

Both backends build their native layers from `plan_layers`, so the input sizes of every layer, the canonical
parameter shapes and the (H, W, C) shape a flatten saw come from one walk of the spec.
"""
from dataclasses import dataclass
from typing import Optional

#: Gates per recurrent kind: the kernels hold them side by side.
GATES = {"lstm": 4, "gru": 3}


@dataclass(frozen=True)
class PlannedLayer:
    spec: dict
    #: Activation shape entering the layer: (H, W, C), (T,) tokens, (T, features) or (features,).
    input_shape: tuple
    output_shape: tuple
    #: For a dense layer directly after a flatten: the (H, W, C) map that was flattened, else None.
    flattened_from: Optional[tuple] = None


def _output_shape(layer: dict, shape: tuple) -> tuple:
    kind = layer["kind"]
    where = f"layer {layer.get('name', kind)}"
    if kind == "conv2d":
        if len(shape) != 3:
            raise ValueError(f"{where}: conv2d needs an (H, W, C) input, got {shape}")
        h, w, _ = shape
        k = layer["kernel"]
        return (h, w, layer["filters"]) if layer["padding"] == "same" else (h - k + 1, w - k + 1, layer["filters"])
    if kind == "maxpool2d":
        h, w, c = shape
        return (h // layer["size"], w // layer["size"], c)
    if kind == "flatten":
        return (_product(shape),)
    if kind == "dense":
        if len(shape) != 1:
            raise ValueError(f"{where}: dense needs a flat input, got {shape}")
        return (layer["units"],)
    if kind in ("batch_norm", "activation", "dropout"):
        return shape
    if kind == "embedding":
        if len(shape) != 1:
            raise ValueError(f"{where}: embedding needs a token sequence (T,) input, got {shape}")
        return (shape[0], layer["dim"])
    if kind in GATES:
        if len(shape) != 2:
            raise ValueError(f"{where}: {kind} needs a (T, features) input, got {shape}")
        return (layer["units"],)
    if kind == "bert":
        if len(shape) != 1:
            raise ValueError(f"{where}: bert needs a token sequence (T,) input, got {shape}")
        if shape[0] > layer["max_position"]:
            raise ValueError(f"{where}: {shape[0]} tokens exceed its {layer['max_position']} positions")
        if layer["hidden"] % layer["heads"]:
            raise ValueError(f"{where}: hidden size {layer['hidden']} is not a multiple of its {layer['heads']} heads")
        return (layer["hidden"],)
    raise ValueError(f"unknown layer kind {kind!r}")


def plan_layers(model: dict) -> list:
    shape = tuple(model["input_shape"])
    planned = []
    previous_flatten_input = None
    for layer in model["layers"]:
        out = _output_shape(layer, shape)
        if len(out) == 3 and min(out) < 1:
            raise ValueError(f"layer {layer.get('name', layer['kind'])} would produce an empty map {out} from {shape}")
        flattened_from = previous_flatten_input if layer["kind"] == "dense" else None
        planned.append(PlannedLayer(layer, shape, out, flattened_from))
        previous_flatten_input = shape if layer["kind"] == "flatten" else None
        shape = out
    return planned


def layer_shapes(p: PlannedLayer) -> dict:
    """Canonical parameter shapes of one planned layer, in canonical order (docs/models.md)."""
    layer = p.spec
    kind, name = layer["kind"], layer.get("name")
    if kind == "conv2d":
        k = layer["kernel"]
        shapes = {f"{name}.weight": (layer["filters"], p.input_shape[2], k, k)}
        if layer["bias"]:
            shapes[f"{name}.bias"] = (layer["filters"],)
        return shapes
    if kind == "dense":
        shapes = {f"{name}.weight": (layer["units"], _product(p.input_shape))}
        if layer["bias"]:
            shapes[f"{name}.bias"] = (layer["units"],)
        return shapes
    if kind == "batch_norm":
        c = p.input_shape[-1]
        return {f"{name}.{stat}": (c,) for stat in ("gamma", "beta", "moving_mean", "moving_variance")}
    if kind == "embedding":
        return {f"{name}.embeddings": (layer["vocab"], layer["dim"])}
    if kind in GATES:
        units = layer["units"]
        width = GATES[kind] * units
        two_biases = kind == "gru" and layer["reset_after"]
        return {f"{name}.kernel": (p.input_shape[1], width), f"{name}.recurrent_kernel": (units, width),
                f"{name}.bias": (2, width) if two_biases else (width,)}
    if kind == "bert":
        return {f"{name}.{n}": s for n, s in bert_shapes(layer).items()}
    return {}


def bert_shapes(layer: dict) -> dict:
    """A BERT layer's parameters under Hugging Face's BertModel names (without the layer's prefix), in module order,
    as src/zoo/parameters.ts lists them: dense weights [out, in], LayerNorm weight (scale) and bias (shift)."""
    h, inner = layer["hidden"], layer["intermediate"]
    shapes = {"embeddings.word_embeddings.weight": (layer["vocab"], h), "embeddings.position_embeddings.weight": (layer["max_position"], h),
              "embeddings.token_type_embeddings.weight": (layer["type_vocab"], h),
              "embeddings.LayerNorm.weight": (h,), "embeddings.LayerNorm.bias": (h,)}

    def dense(n, inputs, units):
        shapes[f"{n}.weight"] = (units, inputs)
        shapes[f"{n}.bias"] = (units,)

    for i in range(layer["layers"]):
        pre = f"encoder.layer.{i}"
        for part in ("query", "key", "value"):
            dense(f"{pre}.attention.self.{part}", h, h)
        dense(f"{pre}.attention.output.dense", h, h)
        shapes[f"{pre}.attention.output.LayerNorm.weight"] = shapes[f"{pre}.attention.output.LayerNorm.bias"] = (h,)
        dense(f"{pre}.intermediate.dense", h, inner)
        dense(f"{pre}.output.dense", inner, h)
        shapes[f"{pre}.output.LayerNorm.weight"] = shapes[f"{pre}.output.LayerNorm.bias"] = (h,)
    dense("pooler.dense", h, h)
    return shapes


def canonical_shapes(model: dict) -> dict:
    """Parameter name -> canonical shape, in layer order."""
    shapes = {}
    for p in plan_layers(model):
        shapes.update(layer_shapes(p))
    return shapes


def parameter_count(model: dict) -> int:
    return sum(_product(s) for s in canonical_shapes(model).values())


def non_trainable_count(model: dict) -> int:
    """The batch norms' moving statistics: updated by the forward pass in training, never by the optimiser."""
    return sum(_product(s) for n, s in canonical_shapes(model).items() if n.endswith((".moving_mean", ".moving_variance")))


#: Layers that take token ids; each has a `vocab` the ids must stay below.
TOKEN_LAYERS = ("embedding", "bert")


def takes_tokens(model: dict) -> bool:
    """True when the input is I32 token ids (the first layer is an embedding or BERT), False for U8 images."""
    return bool(model["layers"]) and model["layers"][0]["kind"] in TOKEN_LAYERS


def is_binary(model: dict) -> bool:
    """One pre-sigmoid logit per example instead of `classes` softmax logits (docs/models.md)."""
    return model.get("output", "softmax") == "sigmoid"


def _product(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def pretrained_layers(model: dict) -> list:
    """The layers whose parameters start from a pretrained package rather than an initialiser."""
    return [layer for layer in model["layers"] if layer.get("pretrained")]
