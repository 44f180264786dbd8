"""VGG-16, LSTM and the GRUs in each backend: native parameter counts, canonical weights, a training step, and
inference that does not depend on dropout (runs for the framework this venv has)."""
import numpy as np
import pytest

from bindbench_runner.data import Split
from bindbench_runner.errors import RunnerError
from bindbench_runner.spec import canonical_shapes, is_binary, non_trainable_count, parameter_count, takes_tokens
from conftest import ZOO, configured_backend

NEW_MODELS = ["vgg16", "lstm", "gru", "gru-reset-before"]
#: The study's Keras summaries (tf_vgg.py, tf_rnns.py) for the first three; reset_after=false has one bias vector.
COUNTS = {"vgg16": 33_650_890, "lstm": 4_665_537, "gru": 4_250_817, "gru-reset-before": 4_249_281}
#: torch.nn.LSTM keeps b_ih and b_hh where the canonical LSTM (and Keras) has one bias: 4·512 more parameters.
TORCH_EXTRA = {"lstm": 4 * 512}

rng = np.random.default_rng(3)


def build(binding, model, seed=0):
    backend = configured_backend(binding, seed)
    try:
        backend.build(model)
    except RunnerError as e:
        assert binding == "pytorch/python" and model["id"] == "gru-reset-before", e.message
        assert e.kind == "not_supported" and "reset_after=false" in e.message
        pytest.skip(f"{binding} has no {model['id']}: {e.message}")
    return backend


def random_canonical(model):
    tensors = {}
    for name, shape in canonical_shapes(model).items():
        if name.endswith("moving_variance"):
            tensors[name] = rng.uniform(0.5, 1.5, shape).astype(np.float32)
        elif name.endswith("gamma"):
            tensors[name] = rng.uniform(0.8, 1.2, shape).astype(np.float32)
        else:
            tensors[name] = (rng.standard_normal(shape) * 0.05).astype(np.float32)
    return tensors


def synthetic_split(model, n):
    """Inputs in the dtypes the data cache stores them, as the runner's load_split hands them over."""
    if takes_tokens(model):
        x = rng.integers(0, model["layers"][0]["vocab"], (n, *model["input_shape"]), dtype=np.int32)
    else:
        x = rng.integers(0, 256, (n, *model["input_shape"])).astype(np.float32) / np.float32(255)
    return Split(x=x, y=rng.integers(0, model["classes"], n))


def short(model_id, steps=24):
    """The zoo model on shorter token sequences, so RNN tests run in seconds; the layers are unchanged."""
    model = dict(ZOO[model_id])
    if takes_tokens(model):
        model["input_shape"] = [steps]
    return model


def logits_of(predictor, split, batch_size=8):
    _, handles = predictor.run(predictor.prepare(split, batch_size), keep_logits=True)
    return predictor.logits(handles)


@pytest.mark.parametrize("model_id", NEW_MODELS)
def test_spec_counts_match_the_study(model_id):
    assert parameter_count(ZOO[model_id]) == COUNTS[model_id]
    assert non_trainable_count(ZOO[model_id]) == (8448 if model_id == "vgg16" else 0)


@pytest.mark.parametrize("model_id", NEW_MODELS)
def test_native_parameter_count(binding, model_id):
    backend = build(binding, ZOO[model_id])
    extra = TORCH_EXTRA.get(model_id, 0) if binding == "pytorch/python" else 0
    assert backend.parameter_count() == COUNTS[model_id] + extra


@pytest.mark.parametrize("model_id", NEW_MODELS)
def test_canonical_weights_load_and_read_back_exactly(binding, model_id):
    model = short(model_id)
    backend = build(binding, model)
    tensors = random_canonical(model)
    backend.load_canonical(tensors)
    back = backend.canonical()
    assert list(back) == list(tensors)
    for name in tensors:
        assert back[name].dtype == np.float32
        np.testing.assert_array_equal(back[name], tensors[name], err_msg=name)


@pytest.mark.parametrize("model_id", NEW_MODELS)
def test_safetensors_artifact_round_trip_gives_identical_logits(binding, model_id, tmp_path):
    model = short(model_id)
    backend = build(binding, model)
    backend.load_canonical(random_canonical(model))
    path = backend.write_artifact("safetensors", str(tmp_path))
    split = synthetic_split(model, 12)
    logits = logits_of(backend.predictor(), split)
    assert logits.shape == (12, 1 if is_binary(model) else model["classes"])
    np.testing.assert_array_equal(logits_of(configured_backend(binding).load_predictor(model, "safetensors", path), split), logits)


@pytest.mark.parametrize("model_id", NEW_MODELS)
def test_inference_is_deterministic_though_training_mode_is_not(binding, model_id):
    """The study found a binding that kept dropout on in evaluation: five passes must agree to the bit."""
    model = short(model_id)
    backend = build(binding, model)
    backend.load_canonical(random_canonical(model))
    split = synthetic_split(model, 8)
    predictor = backend.predictor()
    first = logits_of(predictor, split)
    for _ in range(4):
        np.testing.assert_array_equal(logits_of(predictor, split), first)
    # Not vacuous: in training mode dropout (and batch statistics) change the outputs.
    assert not np.array_equal(training_mode_logits(backend, split), training_mode_logits(backend, split))


def training_mode_logits(backend, split):
    if backend.framework == "pytorch":
        import torch

        from bindbench_runner.layout import torch_inputs
        backend.module.train()
        with torch.no_grad():
            return backend.module(torch.from_numpy(torch_inputs(split.x))).numpy()
    return backend.model(split.x, training=True).numpy()


def without_dropout(model):
    """Dropout off, so consecutive steps' losses are the same function of the weights and can be compared."""
    return dict(model, layers=[dict(layer, rate=0.0) if layer["kind"] == "dropout" else layer for layer in model["layers"]])


@pytest.mark.parametrize("model_id,optimizer", [("vgg16", {"name": "sgd", "learning_rate": 0.01}),
                                                ("lstm", {"name": "adam", "learning_rate": 1e-3}),
                                                ("gru", {"name": "adam", "learning_rate": 1e-3}),
                                                ("gru-reset-before", {"name": "adam", "learning_rate": 1e-3, "beta_1": 0.8, "epsilon": 1e-6})])
def test_a_training_step_lowers_the_loss(binding, model_id, optimizer):
    model = without_dropout(short(model_id))
    backend = build(binding, model, seed=11)
    train = synthetic_split(model, 8)
    loss = "binary_crossentropy" if is_binary(model) else "sparse_categorical_crossentropy"
    settings = backend.start_training({"optimizer": optimizer, "loss": loss}, train)
    if optimizer["name"] == "adam":
        described = " ".join(str(v) for v in settings.values())
        assert "Adam" in described and ("0.8" in described) == ("beta_1" in optimizer)
    indices = backend.index_batches(backend.epoch_order(np.arange(8), 8), 8)[0]
    # Each step returns the loss before its update, on the same 8 examples.
    values = backend.loss_values([backend.train_step(indices) for _ in range(4)])
    assert np.all(np.isfinite(values))
    assert values[1] < values[0] and values[-1] < values[0], values


#: Every format each binding writes besides canonical safetensors, and reads back in its own infer mode.
FORMATS = {"pytorch/python": ["torch-state-dict", "torchscript", "onnx"], "tensorflow/python": ["keras", "savedmodel", "onnx"]}


@pytest.mark.slow
@pytest.mark.parametrize("model_id", NEW_MODELS)
def test_every_written_format_reloads_to_the_same_logits(binding, model_id, tmp_path):
    """Batch-norm statistics, recurrent weights and the int32 token input survive each serialization format;
    ONNX (onnxruntime) agrees to float rounding, the framework's own formats to the bit."""
    model = ZOO[model_id]
    backend = build(binding, model)
    backend.load_canonical(random_canonical(model))
    split = synthetic_split(model, 6)
    expected = logits_of(backend.predictor(), split)
    for fmt in FORMATS[binding]:
        path = backend.write_artifact(fmt, str(tmp_path))
        got = logits_of(configured_backend(binding).load_predictor(model, fmt, path), split)
        if fmt == "onnx":
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5 * max(1.0, float(np.abs(expected).max())), err_msg=fmt)
        else:
            np.testing.assert_array_equal(got, expected, err_msg=fmt)
