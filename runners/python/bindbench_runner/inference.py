"""Mode `infer`: load a model from an artifact, then warm-up and timed passes over the test set."""
import hashlib
import os

import numpy as np
from safetensors.numpy import save_file

from .backend import Backend, Predictor
from .data import Split, load_split
from .events import EventWriter
from .timing import Stopwatch


def logits_sha256(logits: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(logits, dtype="<f4").tobytes()).hexdigest()


def _save_logits(logits: np.ndarray, output_dir: str, split: str) -> str:
    path = os.path.join(os.path.abspath(output_dir), f"logits-{split}.safetensors")
    save_file({"logits": np.ascontiguousarray(logits, dtype=np.float32)}, path)
    return path


def _pass(backend: Backend, predictor: Predictor, batches: list, split: Split) -> tuple:
    with Stopwatch(backend.synchronize) as clock:
        correct, handles = predictor.run(batches, keep_logits=True)
    logits = predictor.logits(handles)
    if logits.shape[0] != split.n:
        raise RuntimeError(f"the model produced {logits.shape[0]} rows of logits for {split.n} examples")
    return clock.seconds, correct, logits


def run_infer(backend: Backend, request: dict, events: EventWriter) -> None:
    model, data, inference = request["model"], request["data"], request["inference"]
    weights = request["weights"]
    predictor = backend.load_predictor(model, weights["format"], weights["path"])
    test = load_split(data["test"], "test", model, data.get("test_limit"))
    batches = predictor.prepare(test, inference["batch_size"])
    output_dir = request["output_dir"]

    for _ in range(inference["warmup"]):
        predictor.run(batches, keep_logits=False)
    for repetition in range(inference["repetitions"]):
        seconds, correct, logits = _pass(backend, predictor, batches, test)
        extra = {}
        if repetition == 0 and output_dir:
            extra["logits_path"] = _save_logits(logits, output_dir, "test")
        events.emit("inference", split="test", repetition=repetition, seconds=seconds, correct=correct, n=test.n,
                    logits_sha256=logits_sha256(logits), **extra)

    if inference["include_train"]:
        train = load_split(data["train"], "train", model, data["train_limit"])
        seconds, correct, logits = _pass(backend, predictor, predictor.prepare(train, inference["batch_size"]), train)
        extra = {"logits_path": _save_logits(logits, output_dir, "train")} if output_dir else {}
        events.emit("inference", split="train", repetition=-1, seconds=seconds, correct=correct, n=train.n,
                    logits_sha256=logits_sha256(logits), **extra)
