"""Builds real runner inputs and runs the runner as a process; used by the tests and by runners/python/bench."""
import copy
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

RUNNER_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = RUNNER_ROOT.parents[1]


def bindbench_home() -> Path:
    return Path(os.environ.get("BINDBENCH_HOME", REPO_ROOT / ".bindbench"))


class RealInputs:
    """Runs tests/prepare_inputs.mjs: the MNIST cache, shared orders and shared initial weights, as files."""

    def __init__(self):
        self._cache = {}

    def get(self, orders=(), inits=()) -> dict:
        key = json.dumps({"orders": list(orders), "inits": list(inits)}, sort_keys=True)
        if key not in self._cache:
            proc = subprocess.run(["node", str(Path(__file__).parent / "prepare_inputs.mjs"), str(REPO_ROOT), str(bindbench_home()), key],
                                  capture_output=True, text=True, timeout=300)
            if proc.returncode != 0:
                raise RuntimeError(f"prepare_inputs.mjs failed: {proc.stderr[-2000:]}")
            self._cache[key] = json.loads(proc.stdout)
        return self._cache[key]


def make_request(binding: str, model: dict, mnist: dict, output_dir, **overrides) -> dict:
    """A complete protocol-2 request (style minimal); tests override what they vary."""
    request = {
        "protocol": 2,
        "run_id": "pytest",
        "binding": binding,
        "mode": "train",
        "model": copy.deepcopy(model),
        "hyper": {"epochs": 1, "batch_size": 128, "optimizer": {"name": "sgd", "learning_rate": 0.05}, "loss": "sparse_categorical_crossentropy"},
        "data": {"id": "mnist", "train": {k: mnist["train"][k] for k in ("path", "sha256")},
                 "test": {k: mnist["test"][k] for k in ("path", "sha256")}, "train_limit": 1000},
        "seed": 7,
        "device": "cpu",
        "data_order": "native",
        "order": None,
        "style": "minimal",
        "init": "native",
        "init_weights": None,
        "output_dir": str(output_dir),
        "artifacts": [],
        "weights": None,
        "inference": {"warmup": 0, "repetitions": 1, "batch_size": 1000, "include_train": False},
        "record_step_losses": 0,
    }
    for key, value in overrides.items():
        if key in ("hyper", "data", "inference"):
            request[key] = {**request[key], **value}
        else:
            request[key] = value
    return request


@dataclass
class RunnerResult:
    returncode: int
    events: list
    stderr: str

    def types(self) -> list:
        return [e["type"] for e in self.events]

    def of(self, type_: str) -> list:
        return [e for e in self.events if e["type"] == type_]


def run_runner(request: dict, workdir: Path, python: str = sys.executable, timeout: int = 900) -> RunnerResult:
    """Runs `<python> -m bindbench_runner <request.json>` exactly as a binding descriptor launches it."""
    path = Path(workdir) / f"request-{request['mode']}.json"
    path.write_text(json.dumps(request))
    env = {**os.environ, "PYTHONPATH": str(RUNNER_ROOT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run([python, "-m", "bindbench_runner", str(path)], capture_output=True, text=True, env=env, timeout=timeout)
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return RunnerResult(proc.returncode, events, proc.stderr)
