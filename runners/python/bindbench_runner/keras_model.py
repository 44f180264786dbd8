"""The zoo model as a keras.Sequential of the binding's own keras.layers (NHWC images, [N, T] int32 token ids).

Layer names are the zoo's, so layout.canonical_to_keras_layers / keras_layers_to_canonical can address them.
"""
import keras

from .keras_bert import Bert
from .spec import takes_tokens


def _batch_norm(layer: dict) -> keras.layers.Layer:
    kwargs = {}
    if layer["momentum"] != "native":
        kwargs["momentum"] = layer["momentum"]
    if layer["epsilon"] != "native":
        kwargs["epsilon"] = layer["epsilon"]
    return keras.layers.BatchNormalization(name=layer["name"], **kwargs)


def _layer(layer: dict, i: int) -> keras.layers.Layer:
    kind = layer["kind"]
    if kind == "conv2d":
        return keras.layers.Conv2D(layer["filters"], layer["kernel"], padding=layer["padding"], activation=layer["activation"],
                                   use_bias=layer["bias"], name=layer["name"])
    if kind == "maxpool2d":
        return keras.layers.MaxPooling2D(layer["size"], name=f"pool{i}")
    if kind == "flatten":
        return keras.layers.Flatten(name=f"flatten{i}")
    if kind == "dense":
        return keras.layers.Dense(layer["units"], activation=layer["activation"], use_bias=layer["bias"], name=layer["name"])
    if kind == "batch_norm":
        return _batch_norm(layer)
    if kind == "activation":
        return keras.layers.Activation(layer["activation"], name=f"{layer['activation']}{i}")
    if kind == "dropout":
        return keras.layers.Dropout(layer["rate"], name=f"dropout{i}")
    if kind == "embedding":
        return keras.layers.Embedding(layer["vocab"], layer["dim"], name=layer["name"])
    if kind == "lstm":
        return keras.layers.LSTM(layer["units"], name=layer["name"])
    if kind == "gru":
        return keras.layers.GRU(layer["units"], reset_after=layer["reset_after"], name=layer["name"])
    if kind == "bert":
        return Bert(layer, name=layer["name"])
    raise ValueError(f"unknown layer kind {kind!r}")


def input_dtype(model: dict) -> str:
    """float32 images, int32 token ids (BERT's too: its SavedModel is fed int32 ids by tensorflow/rust and tfjs-node,
    as every other token model's is; only PyTorch's exports keep int64 ids)."""
    return "int32" if takes_tokens(model) else "float32"


def build_model(model: dict) -> keras.Sequential:
    layers = [keras.Input(shape=tuple(model["input_shape"]), dtype=input_dtype(model), name="x")]
    layers += [_layer(layer, i) for i, layer in enumerate(model["layers"])]
    return keras.Sequential(layers, name=model["id"])
