"""What the framework-neutral modes (training, inference, export) ask of a framework backend.

A backend owns one native model and everything framework-specific: seeding, layouts (through layout.py), tensors
on the device, the optimiser step and the artifact formats. A Predictor is whatever can compute logits for a
split: the backend's trained model, or a model loaded from an artifact. An IdiomaticTrainer is the binding's own
documented training API (style `idiomatic`) driving the backend's model; style `minimal` uses the Backend's
training methods directly.
"""
from abc import ABC, abstractmethod
from typing import Any, Optional

import numpy as np

from .data import Split

ARTIFACT_FILES = {
    "safetensors": "model.safetensors",
    "torch-state-dict": "model.pt",
    "torchscript": "model.torchscript.pt",
    "keras": "model.keras",
    "savedmodel": "savedmodel",
    "tfjs-layers": "tfjs/model.json",
    "onnx": "model.onnx",
}


class Predictor(ABC):
    @abstractmethod
    def prepare(self, split: Split, batch_size: int) -> list:
        """The split as native batches in the predictor's memory, built before any timed region."""

    @abstractmethod
    def run(self, batches: list, keep_logits: bool) -> tuple:
        """One pass: forward, prediction (argmax, or logit > 0 for a sigmoid output), count correct. Returns (correct, logits handles or None); the count is read
        back as a Python int, so the work is finished when this returns."""

    @abstractmethod
    def logits(self, handles: list) -> np.ndarray:
        """The kept logits as float32 [n, classes] in host memory."""


class IdiomaticTrainer(ABC):
    """Trains the backend's model an epoch at a time the way the binding's documentation teaches.

    training.py times `run_epoch` alone (then synchronises the device); `begin_epoch` and `epoch_losses` are outside
    the timed region, as preparing the index batches and reading the losses back are in the minimal loop.
    """

    #: The optimiser's, loss's and data path's effective settings, for the run's log.
    settings: dict
    #: None when `epoch_losses` gives every step's loss; otherwise why this API cannot (record_step_losses needs
    #: style minimal then).
    no_step_losses: Optional[str] = None

    @abstractmethod
    def begin_epoch(self, shared_row: Optional[np.ndarray]) -> None:
        """Hands the API the epoch's shared order row (int64 [n]), or None for the API's own seeded shuffle."""

    @abstractmethod
    def run_epoch(self) -> Any:
        """One epoch through the API, the data path included; returns what `epoch_losses` reads."""

    @abstractmethod
    def epoch_losses(self, handle: Any) -> tuple:
        """(each step's loss as float64 [steps], or None when no_step_losses; the epoch's mean training loss)."""


class Backend(ABC):
    binding: str
    framework: str
    language = "python"

    @abstractmethod
    def versions(self) -> dict: ...

    @abstractmethod
    def configure(self, seed: int, device: str, deterministic: bool = True, threads: int = None) -> tuple:
        """Seeds every RNG, applies the determinism switches (or leaves them off), sizes the framework's thread pools
        to `threads` (None: its default) and picks the device.
        Returns ({kind, name} of the device, settings applied); raises not_supported for a missing device."""

    @abstractmethod
    def synchronize(self) -> None: ...

    def peak_device_bytes(self):
        """The framework's own peak device (GPU) memory over the run in bytes; None on the CPU or where it keeps none."""
        return None

    # --- the native model ---
    @abstractmethod
    def build(self, model: dict) -> None: ...

    @abstractmethod
    def parameter_count(self) -> int: ...

    @abstractmethod
    def load_canonical(self, tensors: dict) -> None: ...

    @abstractmethod
    def canonical(self) -> dict: ...

    @abstractmethod
    def load_for_export(self, fmt: str, path: str) -> None:
        """Fills the built model from an artifact that holds its parameters."""

    @abstractmethod
    def predictor(self) -> Predictor: ...

    @abstractmethod
    def load_predictor(self, model: dict, fmt: str, path: str) -> Predictor: ...

    @abstractmethod
    def write_artifact(self, fmt: str, output_dir: str) -> str:
        """Writes one artifact format; returns its absolute path; raises not_supported with the real error."""

    # --- training ---
    @abstractmethod
    def start_training(self, hyper: dict, train: Split) -> dict:
        """Moves the training set to the device and creates the optimiser, loss and step.
        Returns the optimiser's and loss's effective settings, defaults included, for the run's log."""

    @abstractmethod
    def epoch_order(self, shared_row: Optional[np.ndarray], n: int) -> Any:
        """The epoch's permutation as native indices: the shared row, or the framework's own seeded shuffle."""

    @abstractmethod
    def index_batches(self, order: Any, batch_size: int) -> list:
        """Consecutive slices of the order, the last one partial."""

    @abstractmethod
    def train_step(self, indices: Any) -> Any:
        """One optimiser step on the examples at `indices`; returns the loss without waiting for it."""

    @abstractmethod
    def wait(self, loss: Any) -> None:
        """Blocks until `loss` (and all work before it) is computed."""

    @abstractmethod
    def loss_values(self, losses: list) -> np.ndarray: ...

    # --- training, style idiomatic ---
    @abstractmethod
    def idiomatic_trainer(self, hyper: dict, train: Split) -> IdiomaticTrainer:
        """The binding's documented training API set up on the built model with the same optimiser and loss as
        `start_training` (a new optimiser: the two styles never share one run)."""
