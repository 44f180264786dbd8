"""Shared fixtures: the zoo's model specs, backends for whichever framework this venv has, and real MNIST inputs
built by bindbench's own (compiled) TypeScript (see harness.py)."""
import json
import shutil
import sys
from pathlib import Path

import pytest

from harness import REPO_ROOT, RUNNER_ROOT, RealInputs, RunnerResult, bindbench_home, make_request, run_runner  # noqa: F401

sys.path.insert(0, str(RUNNER_ROOT))

from bindbench_runner.backends import create_backend  # noqa: E402

#: A copy of src/zoo/models.ts as data, so the tests that need no node still have the specs;
#: test_zoo_copy_matches_the_zoo keeps it equal to the real zoo.
ZOO = json.loads((Path(__file__).parent / "zoo_models.json").read_text())

FRAMEWORK_MODULES = {"pytorch/python": "torch", "tensorflow/python": "tensorflow"}


@pytest.fixture(scope="module", params=["pytorch/python", "tensorflow/python"])
def binding(request):
    """Each test taking `binding` runs for the framework this venv has and skips for the other."""
    pytest.importorskip(FRAMEWORK_MODULES[request.param], reason=f"{request.param} runs in its own venv")
    return request.param


def configured_backend(binding: str, seed: int = 0):
    backend = create_backend(binding)
    backend.configure(seed, "cpu")
    return backend


@pytest.fixture(scope="session")
def real_inputs():
    if shutil.which("node") is None:
        pytest.skip("node is not on PATH: real MNIST inputs are built by bindbench's TypeScript")
    if not (REPO_ROOT / "dist" / "src" / "data" / "cache.js").exists():
        pytest.skip(f"{REPO_ROOT / 'dist'} is missing: run `npm run build` first to build the MNIST cache")
    inputs = RealInputs()
    inputs.get()  # builds (or verifies) the MNIST cache once, so a broken cache fails here with node's message
    return inputs


