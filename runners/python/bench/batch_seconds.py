"""Seconds per training batch and per evaluated example of zoo models, on synthetic inputs of the real shapes.

usage: python bench/batch_seconds.py <binding> <model id>[,<model id>...] [--batch N] [--steps N] [--eval N]

Sizes quick presets: the step is the runner's own (backend.train_step), so the numbers are what a `train` cell's
`train_seconds` is made of. Run it on an idle machine; `load_average_1m` is printed with each line.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bindbench_runner.backends import create_backend  # noqa: E402
from bindbench_runner.data import Split  # noqa: E402
from bindbench_runner.spec import is_binary, takes_tokens  # noqa: E402

ZOO = json.loads((Path(__file__).resolve().parents[1] / "tests" / "zoo_models.json").read_text())
PAPER = {"vgg16": (128, "sgd", 0.05), "lstm": (256, "adam", 8e-5), "gru": (256, "adam", 3e-4), "gru-reset-before": (256, "adam", 3e-4)}


def synthetic(model: dict, n: int, rng) -> Split:
    if takes_tokens(model):
        x = rng.integers(0, model["layers"][0]["vocab"], (n, *model["input_shape"]), dtype=np.int32)
    else:
        x = rng.random((n, *model["input_shape"]), dtype=np.float32)
    return Split(x=x, y=rng.integers(0, model["classes"], n))


def measure(binding: str, model_id: str, batch: int, steps: int, eval_n: int) -> dict:
    model = ZOO[model_id]
    default_batch, optimizer, lr = PAPER.get(model_id, (128, "sgd", 0.05))
    batch = batch or default_batch
    backend = create_backend(binding)
    backend.configure(1, "cpu")
    backend.build(model)
    rng = np.random.default_rng(0)
    train = synthetic(model, batch * (steps + 1), rng)
    loss = "binary_crossentropy" if is_binary(model) else "sparse_categorical_crossentropy"
    backend.start_training({"optimizer": {"name": optimizer, "learning_rate": lr}, "loss": loss}, train)
    batches = backend.index_batches(backend.epoch_order(None, train.n), batch)
    backend.wait(backend.train_step(batches[0]))  # warm-up: first-call allocations and kernel selection
    seconds = []
    for indices in batches[1:steps + 1]:
        t0 = time.perf_counter()
        backend.wait(backend.train_step(indices))
        seconds.append(time.perf_counter() - t0)
    predictor = backend.predictor()
    eval_batches = predictor.prepare(synthetic(model, eval_n, rng), max(batch, 1000) if not takes_tokens(model) else batch)
    predictor.run(eval_batches[:1], keep_logits=False)
    t0 = time.perf_counter()
    predictor.run(eval_batches, keep_logits=False)
    eval_seconds = time.perf_counter() - t0
    return {"binding": binding, "model": model_id, "batch": batch, "steps": steps, "median_step_s": round(float(np.median(seconds)), 3),
            "min_step_s": round(min(seconds), 3), "max_step_s": round(max(seconds), 3),
            "eval_ms_per_example": round(1000 * eval_seconds / eval_n, 3), "load_average_1m": round(os.getloadavg()[0], 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("binding")
    parser.add_argument("models")
    parser.add_argument("--batch", type=int, default=0, help="0: the paper preset's batch size")
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--eval", type=int, default=512, help="examples in the timed evaluation pass")
    args = parser.parse_args()
    for model_id in args.models.split(","):
        print(json.dumps(measure(args.binding, model_id, args.batch, args.steps, args.eval)), flush=True)


if __name__ == "__main__":
    main()
