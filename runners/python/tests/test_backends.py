"""Each backend's native model against the canonical layouts (runs for the framework this venv has)."""
import numpy as np
import pytest
from safetensors.numpy import load_file

from bindbench_runner.data import Split, load_canonical_weights
from bindbench_runner.spec import canonical_shapes
from conftest import ZOO, configured_backend

rng = np.random.default_rng(1)


def random_canonical(model):
    return {name: (rng.standard_normal(shape) * 0.2).astype(np.float32) for name, shape in canonical_shapes(model).items()}


def random_split(n=37):
    return Split(x=rng.random((n, 28, 28, 1), dtype=np.float32), y=rng.integers(0, 10, n))


def logits_of(predictor, split, batch_size=16):
    correct, handles = predictor.run(predictor.prepare(split, batch_size), keep_logits=True)
    return correct, predictor.logits(handles)


@pytest.mark.parametrize("model_id,count", [("lenet1", 4326), ("lenet5", 61706)])
def test_native_parameter_count(binding, model_id, count):
    backend = configured_backend(binding)
    backend.build(ZOO[model_id])
    assert backend.parameter_count() == count


@pytest.mark.parametrize("model_id", ["lenet1", "lenet5"])
def test_canonical_weights_load_and_read_back_exactly(binding, model_id):
    backend = configured_backend(binding)
    backend.build(ZOO[model_id])
    tensors = random_canonical(ZOO[model_id])
    backend.load_canonical(tensors)
    back = backend.canonical()
    assert list(back) == list(tensors)
    for name in tensors:
        assert back[name].dtype == np.float32
        np.testing.assert_array_equal(back[name], tensors[name])


@pytest.mark.parametrize("model_id", ["lenet1", "lenet5"])
def test_safetensors_artifact_round_trip_gives_identical_logits(binding, model_id, tmp_path):
    model = ZOO[model_id]
    backend = configured_backend(binding)
    backend.build(model)
    backend.load_canonical(random_canonical(model))
    path = backend.write_artifact("safetensors", str(tmp_path))
    assert sorted(load_file(path)) == sorted(canonical_shapes(model))
    split = random_split()
    correct, logits = logits_of(backend.predictor(), split)
    reloaded = configured_backend(binding).load_predictor(model, "safetensors", path)
    correct_again, logits_again = logits_of(reloaded, split)
    assert logits.shape == (split.n, 10)
    assert correct_again == correct
    np.testing.assert_array_equal(logits_again, logits)


def test_predictor_counts_correct_predictions(binding):
    backend = configured_backend(binding)
    backend.build(ZOO["lenet1"])
    split = random_split(50)
    _, logits = logits_of(backend.predictor(), split)
    labelled = Split(x=split.x, y=logits.argmax(axis=1))  # labels the model gets right by construction
    correct, _ = logits_of(backend.predictor(), labelled)
    assert correct == 50


@pytest.mark.parametrize("model_id", ["lenet1", "lenet5"])
def test_shared_init_file_loads_exactly(binding, model_id, real_inputs):
    inputs = real_inputs.get(inits=[{"model": model_id, "seed": 287426343}])
    ref = inputs["inits"][0]["file"]
    tensors = load_canonical_weights(ZOO[model_id], ref["path"], ref["sha256"])
    backend = configured_backend(binding)
    backend.build(ZOO[model_id])
    backend.load_canonical(tensors)
    back = backend.canonical()
    for name, t in tensors.items():
        np.testing.assert_array_equal(back[name], t)
    assert np.count_nonzero(tensors["conv1.weight"]) == tensors["conv1.weight"].size  # Glorot weights, not zeros


def test_zoo_copy_matches_the_zoo(real_inputs):
    assert real_inputs.get()["models"] == ZOO
