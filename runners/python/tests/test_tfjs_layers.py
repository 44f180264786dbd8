"""The Keras model in TensorFlow.js's Layers format: the config in the Keras 2 dialect tfjs-layers reads, every weight
under the `<layer>/<name>` tfjs looks it up by, and a refusal for what tfjs cannot build. That tfjs loads it and
gives Keras's logits is checked in test/runners-js/tfjs-zoo-models.test.ts."""
import json

import numpy as np
import pytest

from bindbench_runner.errors import RunnerError
from conftest import ZOO

pytest.importorskip("tensorflow", reason="the Layers format is written by the tensorflow/python runner")

from bindbench_runner import tfjs_layers  # noqa: E402
from bindbench_runner.keras_model import build_model  # noqa: E402


def keras3_keys(value, found):
    if isinstance(value, dict):
        found.update(k for k in value if k in ("module", "registered_name", "build_config", "batch_shape"))
        for v in value.values():
            keras3_keys(v, found)
    elif isinstance(value, list):
        for v in value:
            keras3_keys(v, found)
    return found


@pytest.mark.parametrize("model_id", ["lenet5", "vgg16", "lstm", "gru-reset-before"])
def test_model_json_and_shard_hold_every_weight_in_tfjs_terms(tmp_path, model_id):
    model = build_model(ZOO[model_id])
    path = tfjs_layers.write(model, str(tmp_path), "keras test")
    document = json.loads(open(path).read())
    assert document["format"] == "layers-model"
    layers = document["modelTopology"]["config"]["layers"]
    assert layers[0]["class_name"] == "InputLayer" and layers[0]["config"]["batch_input_shape"] == [None, *ZOO[model_id]["input_shape"]]
    assert keras3_keys(document["modelTopology"], set()) == set(), "no Keras 3 keys left for tfjs-layers to trip on"
    assert all(layer["config"]["dtype"] in ("float32", "int32") for layer in layers)
    (manifest,) = document["weightsManifest"]
    expected = {f"{layer.name}/{w.name}": w.numpy() for layer in model.layers for w in layer.weights}
    assert [w["name"] for w in manifest["weights"]] == list(expected)
    shard = np.frombuffer((tmp_path / manifest["paths"][0]).read_bytes(), dtype="<f4")
    assert shard.size == sum(v.size for v in expected.values())
    offset = 0
    for spec in manifest["weights"]:
        value = expected[spec["name"]]
        assert spec["shape"] == list(value.shape)
        np.testing.assert_array_equal(shard[offset:offset + value.size].reshape(value.shape), value)
        offset += value.size


def test_a_reset_after_gru_is_refused_as_not_supported(tmp_path):
    with pytest.raises(RunnerError) as caught:
        tfjs_layers.write(build_model(ZOO["gru"]), str(tmp_path), "keras test")
    assert caught.value.kind == "not_supported"
    assert "reset_after=true" in caught.value.message
    assert not (tmp_path / "model.json").exists()
