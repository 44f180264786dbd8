"""Trains through the real runner process over a grid of (binding, seed, train_limit) and prints each epoch.

usage: python runners/python/bench/sweep.py --bindings pytorch/python,tensorflow/python --limits 12000,20000 \
         --epochs 2 --seeds 287426343,1850616268 [--model lenet5] [--order shared|native] [--init shared|native]
Any python with numpy works (each run uses its binding's venv python). Needs `npm run build` (inputs come from
bindbench's own TypeScript, like the tests). One JSON line per epoch: test accuracy and seconds, as the runner
reported them.
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from harness import RealInputs, bindbench_home, make_request, run_runner  # noqa: E402

VENVS = {"pytorch/python": "pytorch", "tensorflow/python": "tensorflow"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bindings", default="pytorch/python,tensorflow/python")
    parser.add_argument("--model", default="lenet5")
    parser.add_argument("--limits", default="60000")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seeds", default="287426343")
    parser.add_argument("--order", choices=["shared", "native"], default="shared")
    parser.add_argument("--init", choices=["shared", "native"], default="shared")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.05)
    args = parser.parse_args()
    inputs = RealInputs()
    for n in map(int, args.limits.split(",")):
        for seed in map(int, args.seeds.split(",")):
            prepared = inputs.get(orders=[{"seed": seed, "n": n, "epochs": args.epochs}], inits=[{"model": args.model, "seed": seed}])
            ref = lambda entry: {"path": entry["file"]["path"], "sha256": entry["file"]["sha256"]}  # noqa: E731
            for binding in args.bindings.split(","):
                with tempfile.TemporaryDirectory() as out:
                    request = make_request(binding, prepared["models"][args.model], prepared["mnist"], out, seed=seed,
                                           hyper={"epochs": args.epochs, "batch_size": args.batch_size,
                                                  "optimizer": {"name": "sgd", "learning_rate": args.lr}},
                                           data={"train_limit": None if n == 60000 else n}, data_order=args.order, init=args.init,
                                           order=ref(prepared["orders"][0]) if args.order == "shared" else None,
                                           init_weights=ref(prepared["inits"][0]) if args.init == "shared" else None)
                    python = bindbench_home() / "envs" / VENVS[binding] / "bin" / "python"
                    result = run_runner(request, Path(out), python=str(python), timeout=7200)
                if result.returncode != 0:
                    print(json.dumps({"binding": binding, "seed": seed, "n": n, "error": result.events[-1:]}), flush=True)
                    continue
                for e in result.of("epoch"):
                    print(json.dumps({"binding": binding, "seed": seed, "n": n, "order": args.order, "init": args.init, "epoch": e["epoch"],
                                      "test_accuracy": e["test_accuracy"], "train_accuracy": e["train_accuracy"], "loss": round(e["loss"], 4),
                                      "train_seconds": round(e["train_seconds"], 2), "eval_seconds": round(e["eval_seconds"], 2)}), flush=True)


if __name__ == "__main__":
    main()
