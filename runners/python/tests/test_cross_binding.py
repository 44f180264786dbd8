"""pytorch/python and tensorflow/python side by side: the canonical layouts must make them compute the same thing.

Needs both venvs (it launches each one's python); skips when either is missing.
"""
import numpy as np
import pytest
from safetensors.numpy import load_file

from conftest import ZOO, bindbench_home, make_request, run_runner

pytestmark = pytest.mark.slow

PYTHONS = {binding: bindbench_home() / "envs" / framework / "bin" / "python"
           for binding, framework in (("pytorch/python", "pytorch"), ("tensorflow/python", "tensorflow"))}
SEED = 1850616268


@pytest.fixture(scope="module")
def both_venvs():
    missing = [str(p) for p in PYTHONS.values() if not p.exists()]
    if missing:
        pytest.skip(f"needs both Python venvs; missing {', '.join(missing)} (run `bindbench setup --bindings pytorch/python,tensorflow/python`)")


def refs(entry):
    return {"path": entry["file"]["path"], "sha256": entry["file"]["sha256"]}


def run_in(binding, request, workdir):
    result = run_runner(request, workdir, python=str(PYTHONS[binding]))
    assert result.returncode == 0, f"{binding}: {result.events[-1:]}\n{result.stderr[-3000:]}"
    return result


def test_same_canonical_weights_give_the_same_logits(both_venvs, real_inputs, tmp_path):
    """LeNet-1 flattens a 5x5x12 map, so this fails if the dense layer's (C,H,W)->(H,W,C) permutation is wrong."""
    inputs = real_inputs.get(inits=[{"model": "lenet1", "seed": SEED}])
    logits = {}
    for binding in PYTHONS:
        out = tmp_path / binding.replace("/", "-")
        out.mkdir()
        request = make_request(binding, ZOO["lenet1"], inputs["mnist"], out, mode="infer",
                               weights={"format": "safetensors", "path": inputs["inits"][0]["file"]["path"]})
        event = run_in(binding, request, out).of("inference")[0]
        logits[binding] = (event["correct"], load_file(event["logits_path"])["logits"])
    (torch_correct, torch_logits), (tf_correct, tf_logits) = logits.values()
    np.testing.assert_allclose(tf_logits, torch_logits, atol=1e-5)
    assert abs(tf_correct - torch_correct) <= 1


def test_shared_order_and_init_give_matching_training(both_venvs, real_inputs, tmp_path):
    inputs = real_inputs.get(orders=[{"seed": SEED, "n": 2000, "epochs": 2}], inits=[{"model": "lenet1", "seed": SEED}])
    epochs = {}
    for binding in PYTHONS:
        request = make_request(binding, ZOO["lenet1"], inputs["mnist"], tmp_path, seed=SEED, hyper={"epochs": 2}, data={"train_limit": 2000},
                               data_order="shared", order=refs(inputs["orders"][0]), init="shared", init_weights=refs(inputs["inits"][0]))
        epochs[binding] = run_in(binding, request, tmp_path).of("epoch")
    for torch_epoch, tf_epoch in zip(*epochs.values()):
        assert tf_epoch["loss"] == pytest.approx(torch_epoch["loss"], rel=1e-4)
        assert tf_epoch["test_accuracy"] == pytest.approx(torch_epoch["test_accuracy"], abs=0.002)


def test_tensorflow_onnx_export_runs_in_onnxruntime(both_venvs, real_inputs, tmp_path):
    inputs = real_inputs.get(inits=[{"model": "lenet1", "seed": SEED}])
    weights = {"format": "safetensors", "path": inputs["inits"][0]["file"]["path"]}
    exported = run_in("tensorflow/python", make_request("tensorflow/python", ZOO["lenet1"], inputs["mnist"], tmp_path, mode="export",
                                                        artifacts=["onnx"], weights=weights), tmp_path)
    onnx_path = exported.of("artifact")[0]["path"]
    tf_infer = run_in("tensorflow/python", make_request("tensorflow/python", ZOO["lenet1"], inputs["mnist"], tmp_path, mode="infer", weights=weights), tmp_path)
    tf_logits = load_file(tf_infer.of("inference")[0]["logits_path"])["logits"]
    ort_infer = run_in("pytorch/python", make_request("pytorch/python", ZOO["lenet1"], inputs["mnist"], tmp_path, mode="infer",
                                                      weights={"format": "onnx", "path": onnx_path}), tmp_path)
    ort_logits = load_file(ort_infer.of("inference")[0]["logits_path"])["logits"]
    np.testing.assert_allclose(ort_logits, tf_logits, atol=1e-5)
