"""tensorflow/python: the model as a keras.Sequential (keras_model.py), trained with tf.GradientTape inside
tf.function, with the loss the request names computed from the logits; or (style idiomatic) with Keras's own
model.compile + model.fit (FitTrainer).

Keras keeps conv kernels HWIO, dense kernels [in, out] and flattens in (H, W, C) order; every conversion to and
from the canonical layouts goes through layout.canonical_to_keras_layers / keras_layers_to_canonical.
"""
import inspect
import os
import sys

import numpy as np

# INFO lines from TF's C++ core would bury the runner's own stderr; warnings and errors still show.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

from . import tfjs_layers  # noqa: E402
from .backend import ARTIFACT_FILES, Backend, IdiomaticTrainer, Predictor  # noqa: E402
from .data import Split, load_canonical_weights, save_canonical_weights  # noqa: E402
from .errors import RunnerError, not_supported  # noqa: E402
from .keras_model import build_model, input_dtype  # noqa: E402
from .layout import canonical_to_keras_layers, keras_layers_to_canonical  # noqa: E402
from .onnx_predictor import OnnxPredictor  # noqa: E402
from .seeding import cpu_name, installed_versions, seed_python_and_numpy  # noqa: E402
from .spec import is_binary  # noqa: E402


def _input_spec(model: dict, name=None) -> tf.TensorSpec:
    return tf.TensorSpec([None, *model["input_shape"]], input_dtype(model), name=name)


def _infer_function(forward, model: dict):
    """forward(x) -> logits, wrapped with the prediction and the correct count into one graph per batch shape family."""
    binary = is_binary(model)

    @tf.function(input_signature=[_input_spec(model), tf.TensorSpec([None], tf.int64)])
    def infer(xb, yb):
        logits = forward(xb)
        predicted = tf.cast(logits[:, 0] > 0, tf.int64) if binary else tf.argmax(logits, axis=1)
        correct = tf.reduce_sum(tf.cast(tf.equal(predicted, yb), tf.int64))
        return logits, correct

    return infer


class GraphPredictor(Predictor):
    def __init__(self, forward, model: dict, keep_alive=None):
        self.infer = _infer_function(forward, model)
        self.x_dtype = np.dtype(input_dtype(model))
        # A restored SavedModel's functions need the loaded object alive.
        self._keep_alive = keep_alive

    def prepare(self, split: Split, batch_size: int) -> list:
        # The cache's int32 ids are widened (exactly) where the model takes int64 ids (BERT).
        x = split.x.astype(self.x_dtype) if split.x.dtype != self.x_dtype else split.x
        return [(tf.constant(x[i:i + batch_size]), tf.constant(split.y[i:i + batch_size])) for i in range(0, split.n, batch_size)]

    def run(self, batches: list, keep_logits: bool) -> tuple:
        kept = [] if keep_logits else None
        counts = []
        for xb, yb in batches:
            logits, correct = self.infer(xb, yb)
            counts.append(correct)
            if kept is not None:
                kept.append(logits)
        return int(tf.add_n(counts).numpy()), kept

    def logits(self, handles: list) -> np.ndarray:
        return tf.concat(handles, axis=0).numpy().astype(np.float32)


class TfBackend(Backend):
    binding = "tensorflow/python"
    framework = "tensorflow"

    def __init__(self):
        self.model_spec = None
        self.model = None

    def versions(self) -> dict:
        return {"python": sys.version.split()[0], "tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__,
                **installed_versions("safetensors", "tf2onnx", "onnx")}

    def configure(self, seed: int, device: str, deterministic: bool = True, threads: int = None) -> tuple:
        settings = seed_python_and_numpy(seed)
        settings["threads_requested"] = threads
        if threads is not None:
            try:
                tf.config.threading.set_intra_op_parallelism_threads(threads)
                tf.config.threading.set_inter_op_parallelism_threads(threads)
            except RuntimeError as e:  # only before TensorFlow's runtime starts; say so rather than fail the run
                settings["tf_threads_error"] = str(e)
        # Seeds Python's random, NumPy and TensorFlow's global seed together.
        keras.utils.set_random_seed(seed)
        # There is no switch back: each cell is its own process, so off simply means never turned on.
        if deterministic:
            tf.config.experimental.enable_op_determinism()
        settings.update({
            "keras_set_random_seed": seed,
            "tf_enable_op_determinism": deterministic,
            # 0 means TensorFlow's default: as many threads as cores.
            "tf_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
            "tf_inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
            "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
        })
        if device == "cuda":
            gpus = tf.config.list_physical_devices("GPU")
            if not gpus:
                raise not_supported(f"device cuda was requested but tensorflow {tf.__version__} sees no GPU "
                                    f"(tf.config.list_physical_devices('GPU') is empty; built with CUDA: {tf.test.is_built_with_cuda()})")
            return {"kind": "cuda", "name": gpus[0].name}, settings
        return {"kind": "cpu", "name": cpu_name()}, settings

    def peak_device_bytes(self):
        if not tf.config.list_logical_devices("GPU"):
            return None
        return tf.config.experimental.get_memory_info("GPU:0")["peak"]

    def synchronize(self) -> None:
        # Eager TF on the CPU runs each op before returning; timed regions also end by reading a value back.
        pass

    # --- the native model ---
    def build(self, model: dict) -> None:
        self.model_spec = model
        self.model = build_model(model)

    def parameter_count(self) -> int:
        return int(self.model.count_params())

    def load_canonical(self, tensors: dict) -> None:
        for name, weights in canonical_to_keras_layers(self.model_spec, tensors).items():
            self.model.get_layer(name).set_weights(weights)

    def canonical(self) -> dict:
        return keras_layers_to_canonical(self.model_spec, {layer.name: layer.get_weights() for layer in self.model.layers if layer.weights})

    def load_for_export(self, fmt: str, path: str) -> None:
        if fmt == "safetensors":
            self.load_canonical(load_canonical_weights(self.model_spec, path))
        elif fmt == "keras":
            loaded = self._load_keras(path)
            try:
                for layer in self.model.layers:
                    if layer.weights:
                        layer.set_weights(loaded.get_layer(layer.name).get_weights())
            except ValueError as e:
                raise RunnerError("bad_request", f"{path} does not hold model {self.model_spec['id']}: {e}") from None
        else:
            raise not_supported(f"{self.binding} cannot read parameters from format {fmt} (it reads safetensors, keras)")

    def _load_keras(self, path: str):
        try:
            return keras.saving.load_model(path, compile=False)
        except (ValueError, OSError) as e:
            raise RunnerError("bad_request", f"{path} is not a loadable .keras model: {e}") from None

    def predictor(self) -> Predictor:
        model = self.model
        return GraphPredictor(lambda x: model(x, training=False), self.model_spec)

    def load_predictor(self, model: dict, fmt: str, path: str) -> Predictor:
        if not os.path.exists(path):
            raise RunnerError("bad_request", f"weights {path} ({fmt}) do not exist")
        if fmt == "safetensors":
            self.build(model)
            self.load_for_export(fmt, path)
            return self.predictor()
        if fmt == "keras":
            loaded = self._load_keras(path)
            return GraphPredictor(lambda x: loaded(x, training=False), model, keep_alive=loaded)
        if fmt == "savedmodel":
            restored = tf.saved_model.load(path)
            if "serve" not in restored.signatures:
                raise RunnerError("bad_request", f"SavedModel {path} has no `serve` signature (it has {sorted(restored.signatures)})")
            serve = restored.signatures["serve"]
            return GraphPredictor(lambda x: serve(x=x)["logits"], model, keep_alive=restored)
        if fmt == "onnx":
            return OnnxPredictor(path, is_binary(model))
        raise not_supported(f"{self.binding} cannot load format {fmt} (it loads safetensors, keras, savedmodel)")

    def write_artifact(self, fmt: str, output_dir: str) -> str:
        path = os.path.join(output_dir, ARTIFACT_FILES[fmt])
        if fmt == "safetensors":
            save_canonical_weights(self.model_spec, self.canonical(), path, {"model": self.model_spec["id"], "binding": self.binding, "tensorflow": tf.__version__})
        elif fmt == "keras":
            self.model.save(path)
        elif fmt == "savedmodel":
            self._export_savedmodel(path)
        elif fmt == "onnx":
            self._export_onnx(path)
        elif fmt == "tfjs-layers":
            path = tfjs_layers.write(self.model, os.path.dirname(path), f"keras v{keras.__version__}")
        else:
            raise not_supported(f"{self.binding} does not write format {fmt} (it writes safetensors, keras, savedmodel, tfjs-layers, onnx)")
        return path

    def _input_signature(self):
        return [_input_spec(self.model_spec, name="x")]

    def _export_savedmodel(self, path: str) -> None:
        # ExportArchive is what model.export uses; called directly it lets the output be named `logits`.
        model = self.model
        archive = keras.export.ExportArchive()
        archive.track(model)
        archive.add_endpoint(name="serve", fn=lambda x: {"logits": model(x, training=False)}, input_signature=self._input_signature())
        archive.write_out(path)

    def _export_onnx(self, path: str) -> None:
        try:
            import tf2onnx
        except ImportError as e:
            raise not_supported(f"ONNX export from TensorFlow needs tf2onnx, which this environment lacks: {e}") from None
        model = self.model
        signature = tuple(self._input_signature())

        @tf.function(input_signature=signature)
        def serve(x):
            return {"logits": model(x, training=False)}

        tf2onnx.convert.from_function(serve, input_signature=signature, opset=17, output_path=path)

    # --- training ---
    def start_training(self, hyper: dict, train: Split) -> dict:
        self.x_train = x_train = tf.constant(train.x.astype(input_dtype(self.model_spec)) if train.x.dtype.kind == "i" else train.x)
        self.optimizer, settings = self._optimizer(hyper["optimizer"])
        loss_fn, y_train = self._loss(hyper["loss"], train, settings)
        self.y_train = y_train
        model, opt = self.model, self.optimizer
        variables = model.trainable_variables
        opt.build(variables)

        # One graph for every batch size: the index vector's length is left open.
        @tf.function(input_signature=[tf.TensorSpec([None], tf.int64)])
        def step(indices):
            xb = tf.gather(x_train, indices)
            yb = tf.gather(y_train, indices)
            with tf.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            opt.apply_gradients(zip(tape.gradient(loss, variables), variables))
            return loss

        # Trace now, so building the graph is not counted as part of the first epoch's optimiser steps.
        step.get_concrete_function()
        self._step = step
        return settings

    @staticmethod
    def _loss(name: str, train: Split, settings: dict) -> tuple:
        """(the Keras loss, the labels as the loss takes them); names the loss in `settings`."""
        if name == "binary_crossentropy":
            # One pre-sigmoid logit per example, [N, 1]: the labels take the same shape, as float.
            settings["loss"] = "keras.losses.BinaryCrossentropy(from_logits=True)"
            return keras.losses.BinaryCrossentropy(from_logits=True), tf.constant(train.y.astype(np.float32)[:, None])
        settings["loss"] = "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
        return keras.losses.SparseCategoricalCrossentropy(from_logits=True), tf.constant(train.y)

    def _optimizer(self, optimizer: dict) -> tuple:
        lr = optimizer["learning_rate"]
        if optimizer["name"] == "sgd":
            return keras.optimizers.SGD(learning_rate=lr), {"optimizer": "keras.optimizers.SGD", "learning_rate": lr}
        # What the request leaves out is Keras's own default, read from the signature rather than restated here.
        defaults = inspect.signature(keras.optimizers.Adam).parameters
        chosen = {key: optimizer.get(key, defaults[key].default) for key in ("beta_1", "beta_2", "epsilon")}
        return keras.optimizers.Adam(learning_rate=lr, **chosen), {"optimizer": "keras.optimizers.Adam", "learning_rate": lr, **chosen}

    def epoch_order(self, shared_row, n: int):
        if shared_row is not None:
            return tf.constant(shared_row, dtype=tf.int64)
        # Draws from the global seed set by keras.utils.set_random_seed, a new permutation each call.
        return tf.random.shuffle(tf.range(n, dtype=tf.int64))

    def index_batches(self, order, batch_size: int) -> list:
        n = int(order.shape[0])
        sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        return tf.split(order, sizes)

    def train_step(self, indices):
        return self._step(indices)

    def wait(self, loss) -> None:
        loss.numpy()

    def loss_values(self, losses: list) -> np.ndarray:
        return tf.stack(losses).numpy().astype(np.float64)

    # --- training, style idiomatic ---
    def idiomatic_trainer(self, hyper: dict, train: Split) -> IdiomaticTrainer:
        optimizer, settings = self._optimizer(hyper["optimizer"])
        loss, y = self._loss(hyper["loss"], train, settings)
        # The split as one tensor in memory, as the minimal loop holds it (fit takes tensors as it takes NumPy arrays;
        # NumPy would be converted again by every per-epoch fit call).
        x = tf.constant(train.x.astype(input_dtype(self.model_spec)) if train.x.dtype.kind == "i" else train.x)
        return FitTrainer(self.model, x, y, hyper["batch_size"], optimizer, loss, settings)


class FitTrainer(IdiomaticTrainer):
    """Keras's own training API: model.compile(optimizer, loss) once, then one model.fit(..., epochs=1, verbose=0) per
    epoch, so the evaluation stays outside the timed region.

    Native order is fit's shuffle=True: Keras's array adapter draws the permutation with tf.random.shuffle under the
    global seed keras.utils.set_random_seed set (configure). Shared order gathers the split by the epoch's row with
    tf.gather inside the timed region, then fits with shuffle=False. jit_compile stays at Keras's default "auto" (no
    XLA on a CPU-only machine; the resolved value is logged).
    """

    no_step_losses = ("model.fit reports only the running mean of the loss over the epoch's batches so far (weighted by batch "
                      "size, in float32), from which each step's loss cannot be recovered exactly")

    def __init__(self, model, x, y, batch_size: int, optimizer, loss, settings: dict):
        self.model, self.x, self.y, self.batch_size = model, x, y, batch_size
        model.compile(optimizer=optimizer, loss=loss)
        self.row = None
        self.settings = {**settings, "fit": f"model.fit(x, y, batch_size={batch_size}, epochs=1, verbose=0) per epoch, shuffle=True "
                                            f"(native order) or shuffle=False on tf.gather(x|y, row) (shared order)",
                         "jit_compile": model.jit_compile}

    def begin_epoch(self, shared_row) -> None:
        self.row = None if shared_row is None else tf.constant(shared_row, dtype=tf.int64)

    def run_epoch(self):
        if self.row is None:
            return self.model.fit(self.x, self.y, batch_size=self.batch_size, epochs=1, shuffle=True, verbose=0)
        x, y = tf.gather(self.x, self.row), tf.gather(self.y, self.row)
        return self.model.fit(x, y, batch_size=self.batch_size, epochs=1, shuffle=False, verbose=0)

    def epoch_losses(self, history) -> tuple:
        # Keras's loss tracker: the mean over the epoch's examples (each batch's mean weighted by its size).
        return None, float(history.history["loss"][-1])
