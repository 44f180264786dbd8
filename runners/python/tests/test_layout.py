"""Canonical <-> native layout conversions (numpy only: runs in either venv)."""
import numpy as np
import pytest

from bindbench_runner.layout import (canonical_to_keras_layers, conv_hwio_to_oihw, conv_oihw_to_hwio, dense_canonical_to_keras,
                                     dense_keras_to_canonical, keras_layers_to_canonical, nhwc_to_nchw)
from bindbench_runner.spec import canonical_shapes, parameter_count, plan_layers
from conftest import ZOO

rng = np.random.default_rng(0)


@pytest.mark.parametrize("model_id,count", [("lenet1", 4326), ("lenet5", 61706)])
def test_spec_parameter_counts_match_the_zoo(model_id, count):
    assert parameter_count(ZOO[model_id]) == count


def test_dense_after_flatten_records_the_flattened_map():
    dense = [p for p in plan_layers(ZOO["lenet1"]) if p.spec["kind"] == "dense"]
    assert dense[0].flattened_from == (5, 5, 12)
    lenet5_dense = [p.flattened_from for p in plan_layers(ZOO["lenet5"]) if p.spec["kind"] == "dense"]
    assert lenet5_dense == [(1, 1, 120), None]


def test_conv_transpose_maps_each_element():
    w = rng.standard_normal((6, 3, 5, 4)).astype(np.float32)  # O, I, H, W
    hwio = conv_oihw_to_hwio(w)
    assert hwio.shape == (5, 4, 3, 6)
    assert hwio[2, 1, 0, 5] == w[5, 0, 2, 1]
    np.testing.assert_array_equal(conv_hwio_to_oihw(hwio), w)


def test_nhwc_to_nchw_moves_channels_first():
    x = rng.standard_normal((2, 4, 3, 5)).astype(np.float32)
    nchw = nhwc_to_nchw(x)
    assert nchw.shape == (2, 5, 4, 3) and nchw.flags["C_CONTIGUOUS"]
    assert nchw[1, 4, 2, 0] == x[1, 2, 0, 4]


def test_dense_round_trip_with_and_without_flatten():
    w = rng.standard_normal((10, 300)).astype(np.float32)
    for flattened_from in (None, (5, 5, 12)):
        k = dense_canonical_to_keras(w, flattened_from)
        assert k.shape == (300, 10)
        np.testing.assert_array_equal(dense_keras_to_canonical(k, flattened_from), w)


def test_flatten_permutation_computes_the_same_dense_output():
    """The canonical weights applied to a channel-major flatten equal the Keras kernel applied to an NHWC flatten."""
    h, w, c = 5, 5, 12
    feature_map = rng.standard_normal((h, w, c)).astype(np.float64)
    canonical = rng.standard_normal((10, h * w * c))
    expected = canonical @ feature_map.transpose(2, 0, 1).reshape(-1)  # PyTorch: flatten of the (C, H, W) map
    keras_kernel = dense_canonical_to_keras(canonical, (h, w, c))
    np.testing.assert_allclose(feature_map.reshape(-1) @ keras_kernel, expected, rtol=1e-12)
    # Without the permutation the outputs differ: the test above is not vacuous.
    assert not np.allclose(feature_map.reshape(-1) @ canonical.T, expected)


@pytest.mark.parametrize("model_id", ["lenet1", "lenet5"])
def test_model_round_trip_through_keras_layouts(model_id):
    model = ZOO[model_id]
    tensors = {name: rng.standard_normal(shape).astype(np.float32) for name, shape in canonical_shapes(model).items()}
    keras_weights = canonical_to_keras_layers(model, tensors)
    assert keras_weights["conv1"][0].shape == (5, 5, 1, tensors["conv1.weight"].shape[0])
    back = keras_layers_to_canonical(model, keras_weights)
    assert list(back) == list(tensors)
    for name in tensors:
        np.testing.assert_array_equal(back[name], tensors[name])


# --- recurrent layers: canonical (Keras) <-> PyTorch ---

from bindbench_runner.layout import canonical_to_torch_state, reorder_gates, torch_state_to_canonical  # noqa: E402


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def keras_gru_step(x, h, kernel, recurrent, bias):
    """Keras's GRU, reset_after=True, gates z|r|h, from its documentation's equations."""
    u = h.shape[-1]
    xz, xr, xh = np.split(x @ kernel + bias[0], 3, axis=-1)
    hz, hr, hh = np.split(h @ recurrent + bias[1], 3, axis=-1)
    z, r = sigmoid(xz + hz), sigmoid(xr + hr)
    candidate = np.tanh(xh + r * hh)
    assert candidate.shape[-1] == u
    return z * h + (1 - z) * candidate


def torch_gru_step(x, h, w_ih, w_hh, b_ih, b_hh):
    """torch.nn.GRU's documented equations, gates r|z|n."""
    ir, iz, in_ = np.split(x @ w_ih.T + b_ih, 3, axis=-1)
    hr, hz, hn = np.split(h @ w_hh.T + b_hh, 3, axis=-1)
    r, z = sigmoid(ir + hr), sigmoid(iz + hz)
    n = np.tanh(in_ + r * hn)
    return (1 - z) * n + z * h


def keras_lstm_step(x, h, c, kernel, recurrent, bias):
    i, f, g, o = np.split(x @ kernel + h @ recurrent + bias, 4, axis=-1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c), c


def torch_lstm_step(x, h, c, w_ih, w_hh, b_ih, b_hh):
    i, f, g, o = np.split(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh, 4, axis=-1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c), c


def small_rnn_model(kind):
    recurrent = {"kind": kind, "name": "rnn", "units": 5, **({"reset_after": True} if kind == "gru" else {})}
    return {"id": f"small-{kind}", "input_shape": [7], "classes": 2, "output": "sigmoid",
            "layers": [{"kind": "embedding", "name": "emb", "vocab": 11, "dim": 3}, recurrent,
                       {"kind": "dense", "name": "fc", "units": 1, "activation": "linear", "bias": True}]}


def test_reorder_gates_swaps_blocks_and_is_its_own_inverse_for_the_gru():
    w = np.arange(12).reshape(6, 2)
    swapped = reorder_gates(w, (1, 0, 2), axis=0)
    np.testing.assert_array_equal(swapped[:2], w[2:4])
    np.testing.assert_array_equal(reorder_gates(swapped, (1, 0, 2), axis=0), w)


@pytest.mark.parametrize("kind", ["gru", "lstm"])
def test_torch_recurrent_weights_compute_what_the_canonical_ones_do(kind):
    """Keras's equations with canonical weights == PyTorch's equations with the converted state, step by step."""
    model = small_rnn_model(kind)
    tensors = {name: rng.standard_normal(shape).astype(np.float64) for name, shape in canonical_shapes(model).items()}
    state = canonical_to_torch_state(model, tensors)
    torch_w = [state[f"rnn.rnn.{k}_l0"] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    x = rng.standard_normal((4, 3))
    h = rng.standard_normal((4, 5))
    kernel, recurrent, bias = (tensors[f"rnn.{k}"] for k in ("kernel", "recurrent_kernel", "bias"))
    if kind == "gru":
        np.testing.assert_allclose(torch_gru_step(x, h, *torch_w), keras_gru_step(x, h, kernel, recurrent, bias), rtol=1e-12)
    else:
        c = rng.standard_normal((4, 5))
        for expected, actual in zip(keras_lstm_step(x, h, c, kernel, recurrent, bias), torch_lstm_step(x, h, c, *torch_w)):
            np.testing.assert_allclose(actual, expected, rtol=1e-12)
    assert state["emb.weight"].shape == (11, 3)
    back = torch_state_to_canonical(model, state)
    for name in tensors:
        np.testing.assert_array_equal(back[name], tensors[name])


def test_torch_lstm_biases_are_summed_into_the_canonical_one():
    model = small_rnn_model("lstm")
    tensors = {name: rng.standard_normal(shape).astype(np.float32) for name, shape in canonical_shapes(model).items()}
    state = canonical_to_torch_state(model, tensors)
    state["rnn.rnn.bias_hh_l0"] = np.full(20, 0.5, dtype=np.float32)
    state["rnn.rnn.bias_ih_l0"] = state["rnn.rnn.bias_ih_l0"] - np.float32(0.5)
    np.testing.assert_allclose(torch_state_to_canonical(model, state)["rnn.bias"], tensors["rnn.bias"], atol=1e-6)


def test_batch_norm_names_map_onto_torch_and_keras():
    model = {"id": "bn", "input_shape": [4, 4, 2], "classes": 10, "layers": [
        {"kind": "conv2d", "name": "c", "filters": 3, "kernel": 3, "padding": "same", "activation": "linear", "bias": False},
        {"kind": "batch_norm", "name": "bn", "momentum": "native", "epsilon": "native"}]}
    tensors = {name: rng.standard_normal(shape).astype(np.float32) for name, shape in canonical_shapes(model).items()}
    assert list(tensors) == ["c.weight", "bn.gamma", "bn.beta", "bn.moving_mean", "bn.moving_variance"]
    state = canonical_to_torch_state(model, tensors)
    assert sorted(state) == ["bn.bias", "bn.running_mean", "bn.running_var", "bn.weight", "c.weight"]
    np.testing.assert_array_equal(state["bn.running_var"], tensors["bn.moving_variance"])
    keras = canonical_to_keras_layers(model, tensors)
    assert [w.shape for w in keras["bn"]] == [(3,)] * 4 and keras["c"][0].shape == (3, 3, 2, 3)
    np.testing.assert_array_equal(keras["bn"][3], tensors["bn.moving_variance"])
