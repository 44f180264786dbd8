"""The runner as a process on real MNIST: training, artifacts, inference and export, and the error paths.

Each test here starts `python -m bindbench_runner` with this venv's python, exactly as the binding descriptor does.
"""
import math

import numpy as np
import pytest
from safetensors.numpy import load_file

from conftest import ZOO, make_request, run_runner

pytestmark = pytest.mark.slow

TRAIN_N = 3000
EPOCHS = 2
SEED = 287426343
ARTIFACTS = {"pytorch/python": ["safetensors", "torch-state-dict", "torchscript", "onnx"],
             "tensorflow/python": ["safetensors", "keras", "savedmodel", "onnx"]}
#: Formats each binding's infer mode reads back, besides safetensors.
RELOADS = {"pytorch/python": ["torch-state-dict", "torchscript", "onnx"], "tensorflow/python": ["keras", "savedmodel"]}


def refs(entry):
    return {"path": entry["file"]["path"], "sha256": entry["file"]["sha256"]}


@pytest.fixture(scope="module")
def trained(binding, real_inputs, tmp_path_factory):
    """One real training run per binding: LeNet-5, 3,000 MNIST images, 2 epochs, shared order and init."""
    inputs = real_inputs.get(orders=[{"seed": SEED, "n": TRAIN_N, "epochs": EPOCHS}], inits=[{"model": "lenet5", "seed": SEED}])
    out = tmp_path_factory.mktemp(binding.replace("/", "-"))
    request = make_request(binding, ZOO["lenet5"], inputs["mnist"], out, seed=SEED, hyper={"epochs": EPOCHS}, data={"train_limit": TRAIN_N},
                           data_order="shared", order=refs(inputs["orders"][0]), init="shared", init_weights=refs(inputs["inits"][0]),
                           artifacts=ARTIFACTS[binding], record_step_losses=5)
    return inputs, out, run_runner(request, out)


def test_training_emits_the_protocol_sequence(trained, binding):
    _, out, result = trained
    assert result.returncode == 0, result.stderr[-3000:]
    types = [t for t in result.types() if t != "log"]
    assert types == ["start"] + ["step"] * 5 + ["epoch"] * EPOCHS + ["artifact"] * len(ARTIFACTS[binding]) + ["end"]
    start = result.events[0]
    assert start["binding"] == binding and start["protocol"] == 2 and start["device"]["kind"] == "cpu"
    assert start["settings"]["style"] == "minimal"
    assert start["versions"]["python"] and start["versions"]["numpy"]
    assert start["settings"]["python_random_seed"] == SEED
    steps = result.of("step")
    assert [s["step"] for s in steps] == [0, 1, 2, 3, 4]
    assert all(math.isfinite(s["loss"]) and s["loss"] > 0 for s in steps)
    epochs = result.of("epoch")
    assert [e["epoch"] for e in epochs] == list(range(1, EPOCHS + 1))
    assert epochs[-1]["loss"] < epochs[0]["loss"] < steps[0]["loss"]
    # Chance is 0.1; two epochs on 3,000 real images reach well above it.
    assert epochs[-1]["test_accuracy"] > 0.6 and epochs[-1]["train_accuracy"] > 0.6
    assert all(e["train_seconds"] > 0 and e["eval_seconds"] > 0 for e in epochs)
    end = result.of("end")[0]
    assert end["train_seconds"] == pytest.approx(sum(e["train_seconds"] for e in epochs))
    assert end["wall_seconds"] > end["train_seconds"]
    assert [a["format"] for a in result.of("artifact")] == ARTIFACTS[binding]
    assert all(a["path"].startswith(str(out)) for a in result.of("artifact"))


def test_safetensors_artifact_is_canonical(trained):
    _, out, result = trained
    tensors = load_file(str(out / "model.safetensors"))
    assert tensors["conv1.weight"].shape == (6, 1, 5, 5) and tensors["fc1.weight"].shape == (84, 120)
    assert sum(t.size for t in tensors.values()) == 61706


def infer(binding, inputs, out, fmt, path, **inference):
    request = make_request(binding, ZOO["lenet5"], inputs["mnist"], out, mode="infer", data={"train_limit": TRAIN_N},
                           weights={"format": fmt, "path": str(path)},
                           inference={"warmup": 1, "repetitions": 2, "include_train": True, **inference})
    return run_runner(request, out)


def test_every_reloaded_artifact_scores_like_the_trained_model(trained, binding, tmp_path):
    inputs, out, result = trained
    final = result.of("epoch")[-1]
    expected_test, expected_train = round(final["test_accuracy"] * 10000), round(final["train_accuracy"] * TRAIN_N)
    paths = {a["format"]: a["path"] for a in result.of("artifact")}
    reference = None
    for fmt in ["safetensors"] + RELOADS[binding]:
        run = infer(binding, inputs, tmp_path, fmt, paths[fmt])
        assert run.returncode == 0, f"{fmt}: {run.stderr[-3000:]}"
        test_runs = [e for e in run.of("inference") if e["split"] == "test"]
        train_run = [e for e in run.of("inference") if e["split"] == "train"]
        assert [e["repetition"] for e in test_runs] == [0, 1] and [e["repetition"] for e in train_run] == [-1]
        assert {e["correct"] for e in test_runs} == {expected_test}, fmt
        assert train_run[0]["correct"] == expected_train and train_run[0]["n"] == TRAIN_N, fmt
        # Repetitions of one model give bit-identical logits, and the saved file hashes to the reported sha256.
        assert test_runs[0]["logits_sha256"] == test_runs[1]["logits_sha256"]
        logits = load_file(test_runs[0]["logits_path"])["logits"]
        assert logits.shape == (10000, 10)
        if reference is None:
            reference = logits
        else:
            np.testing.assert_allclose(logits, reference, atol=2e-4, err_msg=fmt)


def test_export_from_safetensors_then_infer(trained, binding, tmp_path):
    inputs, out, result = trained
    expected_test = round(result.of("epoch")[-1]["test_accuracy"] * 10000)
    fmt = RELOADS[binding][1]  # torchscript / savedmodel
    request = make_request(binding, ZOO["lenet5"], inputs["mnist"], tmp_path, mode="export", artifacts=[fmt],
                           weights={"format": "safetensors", "path": str(out / "model.safetensors")})
    exported = run_runner(request, tmp_path)
    assert exported.returncode == 0, exported.stderr[-3000:]
    assert [t for t in exported.types() if t != "log"] == ["start", "artifact", "end"]
    run = infer(binding, inputs, tmp_path, fmt, exported.of("artifact")[0]["path"], include_train=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert [e["correct"] for e in run.of("inference")] == [expected_test, expected_test]


def test_infer_from_a_format_the_binding_cannot_read(trained, binding, tmp_path):
    inputs, out, _ = trained
    foreign = {"pytorch/python": ("keras", "model.keras"), "tensorflow/python": ("torchscript", "model.torchscript.pt")}[binding]
    (tmp_path / foreign[1]).write_bytes(b"")
    run = infer(binding, inputs, tmp_path, foreign[0], tmp_path / foreign[1])
    assert run.returncode == 1
    assert run.types()[0] == "start" and run.events[-1]["type"] == "error" and run.events[-1]["kind"] == "not_supported"


def native_run(binding, inputs, out, seed, **overrides):
    request = make_request(binding, ZOO["lenet1"], inputs["mnist"], out, seed=seed, data={"train_limit": 1000},
                           hyper={"epochs": 2}, record_step_losses=3, **overrides)
    result = run_runner(request, out)
    assert result.returncode == 0, result.stderr[-3000:]
    return [(e["loss"], e["train_accuracy"], e["test_accuracy"]) for e in result.of("epoch")] + [e["loss"] for e in result.of("step")]


def test_native_order_and_init_are_deterministic_per_seed(binding, real_inputs, tmp_path):
    inputs = real_inputs.get()
    first = native_run(binding, inputs, tmp_path, seed=11)
    assert native_run(binding, inputs, tmp_path, seed=11) == first
    assert native_run(binding, inputs, tmp_path, seed=12) != first


# --- style idiomatic: PyTorch's DataLoader loop, Keras's model.fit (docs/runners-python.md, "Training styles") ---

IDIOMATIC_N = 1000  # LeNet-1, 2 epochs of batch 128: 7 full batches and one of 104 per epoch
BATCH_SIZES = [128] * 7 + [104]


def styled_run(binding, inputs, out, style, epochs=EPOCHS, **overrides):
    request = make_request(binding, ZOO["lenet1"], inputs["mnist"], out, seed=SEED, hyper={"epochs": epochs},
                           data={"train_limit": IDIOMATIC_N}, style=style, **overrides)
    return run_runner(request, out)


def test_idiomatic_with_shared_order_and_init_trains_as_minimal_does(binding, real_inputs, tmp_path):
    """Same batches, same optimiser and loss classes: the two styles compute the same training.

    Tolerances: PyTorch's DataLoader collates each batch into a new tensor where the minimal loop gathers it by index;
    the values are the same but oneDNN's kernels round some sums differently on the differently placed memory (measured:
    step losses equal or a few float32 ulps apart, epoch losses within 1e-7 relative, test accuracy 1 image of 10,000
    apart), so losses within 1e-5 relative and accuracies within 0.001. Keras's fit reports the mean over the epoch's
    examples (batch means weighted by batch size, summed in float32), so its loss is compared with minimal's step
    losses weighted the same way, within 1e-5 relative.
    """
    inputs = real_inputs.get(orders=[{"seed": SEED, "n": IDIOMATIC_N, "epochs": EPOCHS}], inits=[{"model": "lenet1", "seed": SEED}])
    shared = dict(data_order="shared", order=refs(inputs["orders"][0]), init="shared", init_weights=refs(inputs["inits"][0]))
    steps = len(BATCH_SIZES) * EPOCHS
    minimal = styled_run(binding, inputs, tmp_path, "minimal", record_step_losses=steps, **shared)
    assert minimal.returncode == 0, minimal.stderr[-3000:]
    idiomatic_steps = steps if binding == "pytorch/python" else 0  # model.fit gives no per-step losses (not_supported)
    idiomatic = styled_run(binding, inputs, tmp_path, "idiomatic", record_step_losses=idiomatic_steps, artifacts=["safetensors"], **shared)
    assert idiomatic.returncode == 0, idiomatic.stderr[-3000:]
    assert idiomatic.events[0]["settings"]["style"] == "idiomatic"
    per_epoch = ["step"] * (idiomatic_steps // EPOCHS) + ["epoch"]
    assert [t for t in idiomatic.types() if t != "log"] == ["start"] + per_epoch * EPOCHS + ["artifact", "end"]
    minimal_steps = np.array([s["loss"] for s in minimal.of("step")]).reshape(EPOCHS, len(BATCH_SIZES))
    for epoch, (mine, theirs) in enumerate(zip(minimal.of("epoch"), idiomatic.of("epoch"))):
        assert math.isfinite(theirs["loss"]) and theirs["train_seconds"] > 0 and theirs["eval_seconds"] > 0
        if binding == "pytorch/python":
            assert theirs["loss"] == pytest.approx(mine["loss"], rel=1e-5)
        else:
            assert theirs["loss"] == pytest.approx(np.average(minimal_steps[epoch], weights=BATCH_SIZES), rel=1e-5)
        assert theirs["train_accuracy"] == pytest.approx(mine["train_accuracy"], abs=0.001)
        assert theirs["test_accuracy"] == pytest.approx(mine["test_accuracy"], abs=0.001)
    if binding == "pytorch/python":
        np.testing.assert_allclose([s["loss"] for s in idiomatic.of("step")], minimal_steps.ravel(), rtol=1e-5)
    final = idiomatic.of("epoch")[-1]
    # Chance is 0.1; two epochs of LeNet-1 on 1,000 images from the shared init reach about 0.3.
    assert final["loss"] < idiomatic.of("epoch")[0]["loss"] and final["test_accuracy"] > 0.2
    assert idiomatic.of("end")[0]["train_seconds"] == pytest.approx(sum(e["train_seconds"] for e in idiomatic.of("epoch")))


def test_idiomatic_native_order_and_init_are_deterministic_per_seed(binding, real_inputs, tmp_path):
    inputs = real_inputs.get()

    def epochs(seed):
        result = make_request(binding, ZOO["lenet1"], inputs["mnist"], tmp_path, seed=seed, hyper={"epochs": EPOCHS},
                              data={"train_limit": IDIOMATIC_N}, style="idiomatic")
        result = run_runner(result, tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        return [(e["loss"], e["train_accuracy"], e["test_accuracy"]) for e in result.of("epoch")]

    first = epochs(11)
    assert all(math.isfinite(loss) for loss, _, _ in first)
    assert epochs(11) == first
    assert epochs(12) != first


def test_idiomatic_step_losses(binding, real_inputs, tmp_path):
    """PyTorch's loop has each step's loss (checked against minimal above); Keras's fit has only a running mean."""
    inputs = real_inputs.get()
    result = styled_run(binding, inputs, tmp_path, "idiomatic", epochs=1, record_step_losses=3)
    if binding == "pytorch/python":
        assert result.returncode == 0, result.stderr[-3000:]
        assert [s["step"] for s in result.of("step")] == [0, 1, 2]
    else:
        assert result.returncode == 1
        assert result.types()[0] == "start" and "epoch" not in result.types()
        error = result.events[-1]
        assert error["type"] == "error" and error["kind"] == "not_supported"
        assert "record_step_losses needs style minimal in tensorflow/python" in error["message"]


def test_idiomatic_diverging_training_stops_with_nan_loss(binding, real_inputs, tmp_path):
    inputs = real_inputs.get()
    request = make_request(binding, ZOO["lenet1"], inputs["mnist"], tmp_path, data={"train_limit": 512}, style="idiomatic",
                           hyper={"optimizer": {"name": "sgd", "learning_rate": 1e38}})
    result = run_runner(request, tmp_path)
    assert result.returncode == 1
    assert result.events[-1]["type"] == "error" and result.events[-1]["kind"] == "nan_loss", result.events[-1]
    assert "end" not in result.types() and "epoch" not in result.types()


def test_diverging_training_stops_with_nan_loss(binding, real_inputs, tmp_path):
    inputs = real_inputs.get()
    request = make_request(binding, ZOO["lenet1"], inputs["mnist"], tmp_path, data={"train_limit": 512},
                           hyper={"optimizer": {"name": "sgd", "learning_rate": 1e38}}, record_step_losses=100)
    result = run_runner(request, tmp_path)
    assert result.returncode == 1
    assert result.events[-1]["type"] == "error" and result.events[-1]["kind"] == "nan_loss", result.events[-1]
    assert "end" not in result.types() and "epoch" not in result.types()


@pytest.mark.parametrize("deterministic", [True, False])
def test_deterministic_kernels_follow_the_request(binding, real_inputs, tmp_path, deterministic):
    """The paper preset turns them off (the study never paid for them); the start event says what the run had."""
    request = make_request(binding, ZOO["lenet1"], real_inputs.get()["mnist"], tmp_path, data={"train_limit": 256}, deterministic=deterministic)
    result = run_runner(request, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    settings = result.events[0]["settings"]
    switch = "torch_use_deterministic_algorithms" if binding == "pytorch/python" else "tf_enable_op_determinism"
    assert settings[switch] is deterministic


def test_changed_data_file_is_refused(binding, real_inputs, tmp_path):
    inputs = real_inputs.get()
    request = make_request(binding, ZOO["lenet1"], inputs["mnist"], tmp_path)
    request["data"]["test"]["sha256"] = "0" * 64
    result = run_runner(request, tmp_path)
    assert result.returncode == 1
    assert result.events[-1]["kind"] == "bad_request" and "sha256" in result.events[-1]["message"]


def test_cuda_request_without_a_gpu_is_not_supported(binding, real_inputs, tmp_path):
    import importlib
    torch_or_tf = importlib.import_module("torch" if binding == "pytorch/python" else "tensorflow")
    has_gpu = torch_or_tf.cuda.is_available() if binding == "pytorch/python" else bool(torch_or_tf.config.list_physical_devices("GPU"))
    if has_gpu:
        pytest.skip("this machine has a GPU")
    request = make_request(binding, ZOO["lenet1"], real_inputs.get()["mnist"], tmp_path, device="cuda")
    result = run_runner(request, tmp_path)
    assert result.returncode == 1
    assert result.types() == ["error"] and result.events[0]["kind"] == "not_supported"
    assert "cuda" in result.events[0]["message"]


def test_one_lenet5_epoch_on_cuda(binding, real_inputs, tmp_path):
    """The CUDA path end to end (PyTorch only: tensorflow-cpu has no GPU build): one LeNet-5 epoch on the GPU."""
    if binding != "pytorch/python":
        pytest.skip("tensorflow/python is the tensorflow-cpu wheel; it has no CUDA device")
    import torch
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU on this machine (torch.cuda.is_available() is False)")
    request = make_request(binding, ZOO["lenet5"], real_inputs.get()["mnist"], tmp_path, device="cuda", seed=SEED,
                           hyper={"epochs": 1}, data={"train_limit": TRAIN_N})
    result = run_runner(request, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.events[0]["device"]["kind"] == "cuda"
    epoch = result.of("epoch")[0]
    assert epoch["train_seconds"] > 0 and epoch["test_accuracy"] > 0.3


# --- threads: the orchestrator pins a parallel cell to n cores and asks for n threads (docs/protocol.md) ---

@pytest.mark.parametrize("threads", [1, None])
def test_requested_threads_reach_the_framework_and_the_start_event(binding, real_inputs, tmp_path, threads):
    inputs = real_inputs.get()
    request = make_request(binding, ZOO["lenet1"], inputs["mnist"], tmp_path, seed=SEED, data={"train_limit": 256}, artifacts=[], threads=threads)
    result = run_runner(request, tmp_path)
    assert result.returncode == 0, result.stderr
    settings = result.events[0]["settings"]
    assert settings["threads_requested"] == threads
    assert settings["cpu_affinity"]
    key = {"pytorch/python": "torch_intra_op_threads", "tensorflow/python": "tf_intra_op_threads"}[binding]
    if threads is not None:
        assert settings[key] == threads
        assert settings.get("torch_inter_op_threads", settings.get("tf_inter_op_threads")) == threads


def test_a_bad_thread_count_is_a_bad_request(binding, real_inputs, tmp_path):
    inputs = real_inputs.get()
    request = make_request(binding, ZOO["lenet1"], inputs["mnist"], tmp_path, threads=0)
    result = run_runner(request, tmp_path)
    assert result.returncode == 1
    assert result.events[-1]["kind"] == "bad_request" and "threads" in result.events[-1]["message"]
