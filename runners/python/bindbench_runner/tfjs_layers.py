"""A Keras model written in TensorFlow.js's Layers format (`model.json` + one binary weight shard), as the study's
`tensorflowjs_converter` wrote it, so `tf.loadLayersModel` rebuilds the model from tfjs's own layers.

The PyPI converter (tensorflowjs) pins tf-keras and its own TensorFlow range, so it cannot share this environment;
the format is small and documented (tfjs-layers' `ModelAndWeightsConfig`), so it is written here from the model's
config and weights. tfjs-layers reads the Keras 2 config dialect: Keras 3's additions (`module`,
`registered_name`, `build_config`, dtype policies as objects, the input layer's `batch_shape`) are translated back.
"""
import json
import os

import numpy as np

from .errors import not_supported

#: What tfjs-layers 4.22 cannot build, with the reason (the load would throw inside tfjs).
UNSUPPORTED = {
    "GRU": lambda config: "tfjs-layers has no GRU with reset_after=true (GRUCell throws on it)" if config.get("reset_after") else None,
}

#: The Keras 3 layer classes tfjs-layers knows under the same name (the zoo's layers and the input).
KNOWN = {"InputLayer", "Conv2D", "AveragePooling2D", "MaxPooling2D", "Flatten", "Dense", "Dropout", "Activation",
         "BatchNormalization", "Embedding", "LSTM", "GRU"}

WEIGHTS_FILE = "group1-shard1of1.bin"


def _keras2(value):
    """Keras 3 config -> the Keras 2 dialect tfjs-layers reads."""
    if isinstance(value, list):
        return [_keras2(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("class_name") == "DTypePolicy" and isinstance(value.get("config"), dict):
        return value["config"]["name"]
    out = {}
    for key, v in value.items():
        if key in ("module", "registered_name", "build_config", "compile_config"):
            continue
        out["batch_input_shape" if key == "batch_shape" else key] = _keras2(v)
    return out


def topology(model) -> dict:
    """The model's config as tfjs-layers reads it; refuses a layer tfjs cannot build, naming it."""
    config = _keras2(json.loads(model.to_json()))
    for layer in config["config"]["layers"]:
        name = layer["class_name"]
        if name not in KNOWN:
            raise not_supported(f"the TensorFlow.js Layers format cannot hold layer {layer['config'].get('name')} ({name}): tfjs-layers has no such layer")
        reason = UNSUPPORTED.get(name, lambda _: None)(layer["config"])
        if reason:
            raise not_supported(f"the TensorFlow.js Layers format cannot hold layer {layer['config'].get('name')}: {reason}")
    return config


def write(model, directory: str, generated_by: str) -> str:
    """Writes `model.json` and its weight shard into `directory`; returns the path of `model.json`."""
    config = topology(model)
    os.makedirs(directory, exist_ok=True)
    specs, blobs = [], []
    for layer in model.layers:
        for weight in layer.weights:
            value = np.asarray(weight.numpy(), dtype=np.float32)
            # tfjs finds a weight by `<layer>/<name>`; Keras 3's paths start with the model's name, so they are not used.
            specs.append({"name": f"{layer.name}/{weight.name}", "shape": list(value.shape), "dtype": "float32"})
            blobs.append(value.astype("<f4").tobytes())
    with open(os.path.join(directory, WEIGHTS_FILE), "wb") as f:
        f.write(b"".join(blobs))
    document = {
        "format": "layers-model",
        "generatedBy": generated_by,
        "convertedBy": "bindbench tensorflow/python runner",
        "modelTopology": {"class_name": config["class_name"], "config": config["config"], "keras_version": generated_by, "backend": "tensorflow"},
        "weightsManifest": [{"paths": [WEIGHTS_FILE], "weights": specs}],
    }
    path = os.path.join(directory, "model.json")
    with open(path, "w") as f:
        json.dump(document, f)
    return path
