"""Mode `train` in either style; everything but the epoch's training is the same for both.

Style `minimal`: the protocol's explicit minibatch loop, the same for every backend. Inside `train_seconds` there is
only what an epoch of training is: per batch, the gather of the examples at the batch's indices and one optimiser
step. Preparing the epoch's index batches, reading the losses back, writing events and the two evaluations happen
outside it.

Style `idiomatic`: the backend's IdiomaticTrainer (PyTorch's DataLoader loop, Keras's model.fit) runs the epoch, its
data path inside `train_seconds`. Model, init, evaluation, events and artifacts are the minimal style's.
"""
import math
import os

import numpy as np

from .backend import Backend, IdiomaticTrainer
from .data import load_canonical_weights, load_order, load_split
from .errors import RunnerError, bad_request, not_supported
from .events import EventWriter
from .pretrained import with_pretrained
from .spec import is_binary, pretrained_layers
from .timing import Stopwatch

#: The loss each kind of model output is trained with (docs/models.md).
LOSS_FOR_OUTPUT = {False: "sparse_categorical_crossentropy", True: "binary_crossentropy"}


def run_train(backend: Backend, request: dict, events: EventWriter) -> float:
    """Trains, evaluates each epoch, writes the requested artifacts; returns the summed train seconds."""
    model, hyper, data = request["model"], request["hyper"], request["data"]
    expected_loss = LOSS_FOR_OUTPUT[is_binary(model)]
    if hyper["loss"] != expected_loss:
        raise bad_request(f"hyper.loss {hyper['loss']} does not fit model {model['id']}, whose {model.get('output', 'softmax')} output trains with {expected_loss}")
    train = load_split(data["train"], "train", model, data["train_limit"])
    test = load_split(data["test"], "test", model, data.get("test_limit"))
    epochs, batch_size = hyper["epochs"], hyper["batch_size"]
    order = load_order(request["order"], epochs, train.n) if request["data_order"] == "shared" else None

    backend.build(model)
    initial = None
    if request["init"] == "shared":
        ref = request["init_weights"]
        initial = load_canonical_weights(model, ref["path"], ref["sha256"])
    if pretrained_layers(model):
        # A pretrained layer starts from its package in every binding; only the rest is native or shared init.
        initial, origin = with_pretrained(model, backend.canonical() if initial is None else initial)
        events.log(f"{model['id']}: {origin}")
    if initial is not None:
        backend.load_canonical(initial)
    events.log(f"{model['id']}: {backend.parameter_count()} parameters, {train.n} training and {test.n} test examples, "
               f"{epochs} epochs of batch {batch_size}, {request['data_order']} order, {request['init']} init")

    predictor = backend.predictor()
    eval_batch = request["inference"]["batch_size"]
    train_batches = predictor.prepare(train, eval_batch)
    test_batches = predictor.prepare(test, eval_batch)
    record = request["record_step_losses"]
    test_every = request.get("test_every", 1)
    trainer = None
    if request["style"] == "idiomatic":
        trainer = backend.idiomatic_trainer(hyper, train)
        if record > 0 and trainer.no_step_losses:
            raise not_supported(f"record_step_losses needs style minimal in {backend.binding}: {trainer.no_step_losses}")
        settings = trainer.settings
    else:
        settings = backend.start_training(hyper, train)
    events.log(f"training ({request['style']}) with " + ", ".join(f"{k} {v}" for k, v in settings.items()))

    step = 0
    total_train = 0.0
    for epoch in range(1, epochs + 1):
        row = None if order is None else order[epoch - 1]
        if trainer is None:
            seconds, values, mean_loss = _minimal_epoch(backend, row, train.n, batch_size)
        else:
            seconds, values, mean_loss = _idiomatic_epoch(backend, trainer, row)
        for value in values if values is not None else ():
            if step < record:
                if not math.isfinite(value):
                    raise RunnerError("nan_loss", f"the loss of step {step} (epoch {epoch}) is {value}")
                events.emit("step", step=step, loss=float(value))
            step += 1
        if not math.isfinite(mean_loss):
            raise RunnerError("nan_loss", f"the mean training loss of epoch {epoch} is {mean_loss}")
        with_test = epoch % test_every == 0 or epoch == epochs
        with Stopwatch(backend.synchronize) as eval_clock:
            train_correct, _ = predictor.run(train_batches, keep_logits=False)
            test_correct = predictor.run(test_batches, keep_logits=False)[0] if with_test else None
        total_train += seconds
        events.emit("epoch", epoch=epoch, train_accuracy=train_correct / train.n,
                    test_accuracy=None if test_correct is None else test_correct / test.n,
                    loss=mean_loss, train_seconds=seconds, eval_seconds=eval_clock.seconds)

    for fmt in request["artifacts"]:
        events.emit("artifact", format=fmt, path=backend.write_artifact(fmt, os.path.abspath(request["output_dir"])))
    return total_train


def _minimal_epoch(backend: Backend, row, n: int, batch_size: int) -> tuple:
    """(train seconds, each step's loss, mean loss) of one epoch of the explicit loop."""
    indices = backend.index_batches(backend.epoch_order(row, n), batch_size)
    losses = []
    with Stopwatch(lambda: backend.wait(losses[-1])) as clock:
        for batch in indices:
            losses.append(backend.train_step(batch))
    values = backend.loss_values(losses)
    return clock.seconds, values, float(np.mean(values))


def _idiomatic_epoch(backend: Backend, trainer: IdiomaticTrainer, row) -> tuple:
    """(train seconds, each step's loss or None, mean loss) of one epoch through the binding's own training API."""
    trainer.begin_epoch(row)
    with Stopwatch(backend.synchronize) as clock:
        handle = trainer.run_epoch()
    values, mean_loss = trainer.epoch_losses(handle)
    return clock.seconds, values, float(mean_loss)
