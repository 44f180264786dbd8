"""How much of a training epoch is the runner's own work rather than the framework's compute.

usage: <venv python> runners/python/bench/profile_epoch.py <request.json> [--cprofile]
(PYTHONPATH=runners/python). Takes a train request like the orchestrator writes, trains its epochs in-process with
the same backend calls as training.py, and times, per epoch: the runner's timed loop (what `train_seconds`
reports), and separately the runner-side parts of it or around it: gathering each batch by index (for TensorFlow
less the cost of a bare tf.function call, which the real step pays once for gather and step together), the bare
loop, building the epoch's index batches and reading the losses back. Prints one JSON object per epoch.
Time it on an otherwise idle machine: PyTorch's OpenMP threads slow down many times over when another process
holds a core.
"""
import cProfile
import json
import pstats
import sys
import time

from bindbench_runner.backends import create_backend
from bindbench_runner.data import load_canonical_weights, load_order, load_split
from bindbench_runner.request import read_request


def gather_only(backend):
    """(gather, dispatch): callables doing just the per-batch gather of the step, and (TensorFlow) just the cost
    of calling a tf.function, which a standalone gather pays but the real step shares with the optimiser step."""
    if backend.framework == "pytorch":
        return (lambda idx: (backend.x_train[idx], backend.y_train[idx])), None
    import tensorflow as tf

    x_train, y_train = backend.x_train, backend.y_train
    signature = [tf.TensorSpec([None], tf.int64)]

    @tf.function(input_signature=signature)
    def gather(idx):
        return tf.gather(x_train, idx), tf.gather(y_train, idx)

    @tf.function(input_signature=signature)
    def dispatch(idx):
        return tf.size(idx)

    gather.get_concrete_function()
    dispatch.get_concrete_function()
    return gather, dispatch


def timed_loop(fn, batches, backend) -> float:
    t0 = time.perf_counter()
    for idx in batches:
        last = fn(idx)
    backend.synchronize()
    del last
    return time.perf_counter() - t0


def main(argv):
    request = read_request(argv[0])
    backend = create_backend(request["binding"])
    backend.configure(request["seed"], request["device"])
    model, hyper, data = request["model"], request["hyper"], request["data"]
    train = load_split(data["train"], "train", model, data["train_limit"])
    order = load_order(request["order"], hyper["epochs"], train.n) if request["data_order"] == "shared" else None
    backend.build(model)
    if request["init"] == "shared":
        backend.load_canonical(load_canonical_weights(model, request["init_weights"]["path"], request["init_weights"]["sha256"]))
    backend.start_training(hyper, train)
    gather, dispatch = gather_only(backend)
    for epoch in range(hyper["epochs"]):
        t0 = time.perf_counter()
        batches = backend.index_batches(backend.epoch_order(None if order is None else order[epoch], train.n), hyper["batch_size"])
        t_order = time.perf_counter() - t0

        profiler = cProfile.Profile() if "--cprofile" in argv else None
        losses = []
        t0 = time.perf_counter()
        if profiler:
            profiler.enable()
        for idx in batches:
            losses.append(backend.train_step(idx))
        backend.wait(losses[-1])
        t_steps = time.perf_counter() - t0
        if profiler:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)

        t0 = time.perf_counter()
        values = backend.loss_values(losses)
        t_losses = time.perf_counter() - t0

        t_gather = timed_loop(gather, batches, backend)
        t_dispatch = timed_loop(dispatch, batches, backend) if dispatch else 0.0

        sink = []
        t0 = time.perf_counter()
        for idx in batches:
            sink.append(idx)
        t_loop = time.perf_counter() - t0

        overhead = max(t_gather - t_dispatch, 0.0) + t_loop + t_order + t_losses
        print(json.dumps({
            "binding": request["binding"], "epoch": epoch + 1, "n": train.n, "steps": len(batches), "mean_loss": float(values.mean()),
            "train_seconds": round(t_steps, 4), "gather_seconds": round(t_gather, 4), "tf_function_call_seconds": round(t_dispatch, 4), "loop_seconds": round(t_loop, 6),
            "order_seconds": round(t_order, 4), "loss_readback_seconds": round(t_losses, 4),
            "overhead_share_of_train_seconds": round(overhead / t_steps, 4),
        }), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
