"""Request validation and the runner's behaviour on bad input (no framework needed)."""
import copy
import json

import pytest

from bindbench_runner.errors import RunnerError
from bindbench_runner.request import read_request, validate
from conftest import ZOO, make_request, run_runner

MNIST_REFS = {"train": {"path": "/nonexistent/train.safetensors", "sha256": "0" * 64}, "test": {"path": "/nonexistent/test.safetensors", "sha256": "0" * 64}}


def good_request(tmp_path):
    return make_request("pytorch/python", ZOO["lenet1"], MNIST_REFS, tmp_path)


def test_a_complete_request_validates(tmp_path):
    request = good_request(tmp_path)
    assert validate(copy.deepcopy(request)) == request


@pytest.mark.parametrize("style", ["minimal", "idiomatic"])
def test_both_styles_validate(tmp_path, style):
    request = make_request("pytorch/python", ZOO["lenet1"], MNIST_REFS, tmp_path, style=style)
    assert validate(copy.deepcopy(request))["style"] == style


@pytest.mark.parametrize("mutate,message", [
    (lambda r: r.update(protocol=1), "request protocol 1 is not supported: this runner speaks protocol 2"),
    (lambda r: r.pop("style"), "request field style must be one of minimal, idiomatic (required since protocol 2), it is missing"),
    (lambda r: r.update(style="fast"), "request field style must be one of minimal, idiomatic (required since protocol 2), got 'fast'"),
    (lambda r: r.pop("seed"), "seed is missing"),
    (lambda r: r.update(mode="fit"), "mode must be one of train, infer, export"),
    (lambda r: r["hyper"].update(batch_size=0), "hyper.batch_size must be an integer >= 1"),
    (lambda r: r["hyper"]["optimizer"].update(learning_rate=-1), "learning_rate must be a positive number"),
    (lambda r: r.update(data_order="shared"), "no order file"),
    (lambda r: r.update(init="shared"), "no init_weights file"),
    (lambda r: r.update(deterministic="no"), "request field deterministic must be true or false, got 'no'"),
    (lambda r: r.update(artifacts=["pickle"]), "artifacts must list formats"),
    (lambda r: r.update(mode="infer"), "mode infer needs weights"),
    (lambda r: r["model"]["layers"][0].update(padding="full"), "model.layers[0].padding"),
    (lambda r: r["hyper"].update(loss="mse"), "hyper.loss must be one of sparse_categorical_crossentropy, binary_crossentropy"),
    (lambda r: r["hyper"]["optimizer"].update(name="adam", beta_1=1.5), "hyper.optimizer.beta_1 must be a number in [0, 1)"),
    (lambda r: r["data"].update(test_limit=0), "data.test_limit must be an integer >= 1"),
    (lambda r: r.update(model=dict(ZOO["vgg16"], layers=[dict(ZOO["vgg16"]["layers"][1], momentum="auto")])),
     'model.layers[0].momentum must be a number in [0, 1) or "native"'),
    (lambda r: r.update(model=dict(ZOO["gru"], layers=[dict(ZOO["gru"]["layers"][1], reset_after="yes")])), "model.layers[0].reset_after must be true or false"),
    (lambda r: r.update(model=dict(ZOO["lstm"], layers=[dict(ZOO["lstm"]["layers"][1], recurrent_activation="hard_sigmoid")])),
     "model.layers[0].recurrent_activation must be one of sigmoid, native"),
    (lambda r: r.update(model=dict(ZOO["lstm"], output="softplus")), "model.output must be one of softmax, sigmoid"),
    (lambda r: r.update(model=dict(ZOO["lstm"], input_shape=[300, 1])), "model.input_shape must be [H, W, C] (images) or [T] (token ids)"),
])
def test_bad_requests_name_the_problem(tmp_path, mutate, message):
    request = good_request(tmp_path)
    mutate(request)
    with pytest.raises(RunnerError) as caught:
        validate(request)
    assert caught.value.kind == "bad_request"
    assert message in caught.value.message


@pytest.mark.parametrize("model_id", ["vgg16", "lstm", "gru", "gru-reset-before"])
def test_the_zoo_models_and_adam_settings_validate(tmp_path, model_id):
    request = make_request("tensorflow/python", ZOO[model_id], MNIST_REFS, tmp_path, data={"test_limit": 100},
                           hyper={"optimizer": {"name": "adam", "learning_rate": 3e-4, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
                                  "loss": "binary_crossentropy"})
    assert validate(copy.deepcopy(request)) == request


def test_unreadable_request_file(tmp_path):
    (tmp_path / "r.json").write_text("{not json")
    with pytest.raises(RunnerError, match="not valid JSON"):
        read_request(str(tmp_path / "r.json"))


def test_runner_process_reports_a_bad_protocol_and_exits_1(tmp_path):
    request = good_request(tmp_path)
    request["protocol"] = 99
    result = run_runner(request, tmp_path)
    assert result.returncode == 1
    assert result.events == [{"type": "error", "kind": "bad_request", "message": "request protocol 99 is not supported: this runner speaks protocol 2"}]


def test_runner_process_reports_a_bad_style_and_exits_1(tmp_path):
    request = good_request(tmp_path)
    request["style"] = "fast"
    result = run_runner(request, tmp_path)
    assert result.returncode == 1
    assert result.events == [{"type": "error", "kind": "bad_request",
                              "message": "request field style must be one of minimal, idiomatic (required since protocol 2), got 'fast'"}]


def test_runner_process_rejects_an_unknown_binding(tmp_path):
    request = good_request(tmp_path)
    request["binding"] = "pytorch/cobol"
    result = run_runner(request, tmp_path)
    assert result.returncode == 1
    assert result.types() == ["error"] and result.events[0]["kind"] == "bad_request"
    assert "pytorch/cobol" in result.events[0]["message"]


def test_runner_process_without_arguments(tmp_path):
    import subprocess
    import sys
    from conftest import RUNNER_ROOT
    proc = subprocess.run([sys.executable, "-m", "bindbench_runner"], capture_output=True, text=True, env={"PYTHONPATH": str(RUNNER_ROOT)})
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["message"].startswith("usage:")
