"""The runner's data loading, keyed on the dtype of x: U8 images are scaled, I32 token ids stay integers (no
framework needed; synthetic files in the cache's format stand in for CIFAR-10 and IMDB)."""
import numpy as np
import pytest
from safetensors.numpy import save_file

from bindbench_runner.data import load_split, sha256_file
from bindbench_runner.errors import RunnerError
from conftest import ZOO

rng = np.random.default_rng(5)


def split_file(tmp_path, x, y):
    path = tmp_path / "split.safetensors"
    save_file({"x": x, "y": y}, str(path))
    return {"path": str(path), "sha256": sha256_file(str(path))}


def test_u8_images_become_float32_in_0_1(tmp_path):
    x = rng.integers(0, 256, (6, 32, 32, 3), dtype=np.uint8)
    split = load_split(split_file(tmp_path, x, rng.integers(0, 10, 6)), "train", ZOO["vgg16"])
    assert split.x.dtype == np.float32 and split.x.shape == (6, 32, 32, 3)
    np.testing.assert_array_equal(split.x, x.astype(np.float32) / np.float32(255))


def test_i32_token_ids_stay_integers_and_limits_apply(tmp_path):
    x = rng.integers(0, 10_000, (9, 300), dtype=np.int32)
    x[:, :20] = 0  # pre-padding, as the IMDB cache has it
    y = rng.integers(0, 2, 9)
    split = load_split(split_file(tmp_path, x, y), "test", ZOO["lstm"], limit=4)
    assert split.x.dtype == np.int32 and split.n == 4
    np.testing.assert_array_equal(split.x, x[:4])
    np.testing.assert_array_equal(split.y, y[:4])


@pytest.mark.parametrize("model_id,x,message", [
    ("lstm", np.full((3, 300), 10_000, dtype=np.int32), "token ids must lie in 0..9999"),
    ("lstm", np.zeros((3, 300), dtype=np.uint8), "x must be I32 [N, 300]"),
    ("vgg16", np.zeros((3, 32, 32, 3), dtype=np.int32), "x must be U8 [N, 32, 32, 3]"),
    ("lstm", np.zeros((3, 200), dtype=np.int32), "x must be I32 [N, 300]"),
])
def test_wrong_inputs_are_bad_requests_naming_the_problem(tmp_path, model_id, x, message):
    with pytest.raises(RunnerError) as caught:
        load_split(split_file(tmp_path, x, np.zeros(3, dtype=np.int64)), "train", ZOO[model_id])
    assert caught.value.kind == "bad_request" and message in caught.value.message


def test_binary_labels_must_be_0_or_1(tmp_path):
    with pytest.raises(RunnerError, match=r"labels must lie in 0..1"):
        load_split(split_file(tmp_path, np.zeros((3, 300), dtype=np.int32), np.array([0, 1, 2])), "train", ZOO["gru"])
