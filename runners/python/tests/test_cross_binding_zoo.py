"""VGG-16, LSTM and GRU across the two Python bindings, through the runner processes: the same canonical weights give
the same logits in PyTorch and Keras (which proves the layout, gate-order and bias conversions, batch-norm
statistics included), and canonical safetensors survive torch -> keras -> torch bit for bit.

Needs both venvs; skips otherwise. The inputs are synthetic, in the dtypes of the data cache (U8 images, I32 token
ids), so the test does not depend on the CIFAR-10 or IMDB caches.
"""
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from bindbench_runner.data import sha256_file
from bindbench_runner.spec import canonical_shapes, takes_tokens
from conftest import ZOO, make_request, run_runner
from test_cross_binding import PYTHONS, both_venvs  # noqa: F401

pytestmark = pytest.mark.slow

rng = np.random.default_rng(2024)


def write_inputs(model: dict, directory, n: int = 24) -> dict:
    """A data file in the cache's format and random canonical weights (moving variances positive)."""
    if takes_tokens(model):
        x = rng.integers(0, model["layers"][0]["vocab"], (n, *model["input_shape"]), dtype=np.int32)
    else:
        x = rng.integers(0, 256, (n, *model["input_shape"]), dtype=np.uint8)
    data = directory / "data.safetensors"
    save_file({"x": x, "y": rng.integers(0, model["classes"], n).astype(np.int64)}, str(data))
    weights = {}
    for name, shape in canonical_shapes(model).items():
        if name.endswith(("moving_variance", "gamma")):
            weights[name] = rng.uniform(0.5, 1.5, shape).astype(np.float32)
        else:
            weights[name] = (rng.standard_normal(shape) * 0.05).astype(np.float32)
    path = directory / "weights.safetensors"
    save_file(weights, str(path))
    ref = {"path": str(data), "sha256": sha256_file(str(data))}
    return {"data": {"id": "synthetic", "train": ref, "test": ref, "train_limit": None}, "weights": str(path)}


def run_ok(binding, model, inputs, workdir, **overrides):
    workdir.mkdir(parents=True, exist_ok=True)
    request = make_request(binding, model, {"train": inputs["data"]["train"], "test": inputs["data"]["test"]}, workdir,
                           data=inputs["data"], **overrides)
    result = run_runner(request, workdir, python=str(PYTHONS[binding]))
    assert result.returncode == 0, f"{binding}: {result.events[-1:]}\n{result.stderr[-3000:]}"
    return result


def infer_logits(binding, model, inputs, weights, workdir):
    result = run_ok(binding, model, inputs, workdir, mode="infer", weights={"format": "safetensors", "path": weights})
    event = result.of("inference")[0]
    return event["correct"], load_file(event["logits_path"])["logits"]


def export_safetensors(binding, model, inputs, weights, workdir):
    result = run_ok(binding, model, inputs, workdir, mode="export", artifacts=["safetensors"], weights={"format": "safetensors", "path": weights})
    return result.of("artifact")[0]["path"]


def stated_batch_norms(model: dict) -> dict:
    """The zoo's VGG-16 keeps each framework's batch-norm defaults (epsilon 1e-3 in Keras, 1e-5 in PyTorch), which
    alone moves random-weight logits by about 1 %; stating them makes both bindings compute the same function."""
    return dict(model, layers=[dict(layer, momentum=0.99, epsilon=1e-3) if layer["kind"] == "batch_norm" else layer for layer in model["layers"]])


@pytest.mark.parametrize("model_id", ["vgg16", "lstm", "gru"])
def test_same_canonical_weights_same_logits_and_an_exact_round_trip(both_venvs, model_id, tmp_path):  # noqa: F811
    model = stated_batch_norms(ZOO[model_id])
    inputs = write_inputs(model, tmp_path)
    torch_correct, torch_logits = infer_logits("pytorch/python", model, inputs, inputs["weights"], tmp_path / "torch-infer")
    keras_correct, keras_logits = infer_logits("tensorflow/python", model, inputs, inputs["weights"], tmp_path / "keras-infer")
    scale = max(1.0, float(np.abs(torch_logits).max()))
    np.testing.assert_allclose(keras_logits, torch_logits, atol=1e-4 * scale)
    assert abs(keras_correct - torch_correct) <= 1

    via_torch = export_safetensors("pytorch/python", model, inputs, inputs["weights"], tmp_path / "torch-1")
    via_keras = export_safetensors("tensorflow/python", model, inputs, via_torch, tmp_path / "keras")
    back = export_safetensors("pytorch/python", model, inputs, via_keras, tmp_path / "torch-2")
    original = load_file(inputs["weights"])
    for path in (via_torch, via_keras, back):
        tensors = load_file(path)
        assert sorted(tensors) == sorted(original)
        for name, value in original.items():
            np.testing.assert_array_equal(tensors[name], value, err_msg=f"{name} in {path}")


def test_bert_same_logits_in_keras_and_a_savedmodel_that_takes_ids_only(both_venvs, tmp_path):  # noqa: F811
    """The Keras BERT (keras_bert.py) computes the PyTorch BERT's function from the same canonical weights, padding
    masked inside both; its SavedModel takes int32 ids [n, T] alone, as every token model's does. 16 ids keep it short; the layers are the real ones."""
    model = dict(ZOO["bert-minilm"], input_shape=[16])
    inputs = write_inputs(model, tmp_path, n=8)
    data = load_file(inputs["data"]["test"]["path"])
    x = data["x"]
    x[::2, 9:] = 0  # half the rows padded, so the mask matters
    save_file({"x": x, "y": data["y"]}, inputs["data"]["test"]["path"])
    ref = {"path": inputs["data"]["test"]["path"], "sha256": sha256_file(inputs["data"]["test"]["path"])}
    inputs["data"] = {**inputs["data"], "train": ref, "test": ref}
    torch_correct, torch_logits = infer_logits("pytorch/python", model, inputs, inputs["weights"], tmp_path / "torch-infer")
    keras_correct, keras_logits = infer_logits("tensorflow/python", model, inputs, inputs["weights"], tmp_path / "keras-infer")
    scale = max(1.0, float(np.abs(torch_logits).max()))
    np.testing.assert_allclose(keras_logits, torch_logits, atol=1e-4 * scale)
    assert keras_correct == torch_correct

    exported = run_ok("tensorflow/python", model, inputs, tmp_path / "keras-export", mode="export", artifacts=["savedmodel", "safetensors"],
                      weights={"format": "safetensors", "path": inputs["weights"]})
    paths = {e["format"]: e["path"] for e in exported.of("artifact")}
    original = load_file(inputs["weights"])
    for name, value in load_file(paths["safetensors"]).items():
        np.testing.assert_array_equal(value, original[name], err_msg=name)
    served = run_ok("tensorflow/python", model, inputs, tmp_path / "savedmodel-infer", mode="infer", weights={"format": "savedmodel", "path": paths["savedmodel"]})
    np.testing.assert_allclose(load_file(served.of("inference")[0]["logits_path"])["logits"], torch_logits, atol=1e-4 * scale)
