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
