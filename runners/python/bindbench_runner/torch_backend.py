"""pytorch/python: the model as torch.nn layers (torch_model.py), trained with torch.optim and the loss the request
names (nn.CrossEntropyLoss or nn.BCEWithLogitsLoss, both on the logits): by the protocol's minimal loop, or (style
idiomatic) by the DataLoader loop of PyTorch's tutorials (DataLoaderTrainer).

Conv and dense layouts are the canonical ones; batch norms, embeddings and recurrent layers are renamed and
re-laid out by layout.py. Image inputs change layout (NHWC cache -> NCHW) through layout.torch_inputs.
"""
import copy
import inspect
import os
import sys

import numpy as np

# cuBLAS reads this when it creates its first handle; deterministic GEMMs on CUDA need it (PyTorch's
# reproducibility notes). Set before torch is imported so nothing can have created a handle yet.
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, Sampler, TensorDataset  # noqa: E402

from .backend import ARTIFACT_FILES, Backend, IdiomaticTrainer, Predictor  # noqa: E402
from .data import Split, load_canonical_weights, save_canonical_weights  # noqa: E402
from .errors import RunnerError, not_supported  # noqa: E402
from .layout import torch_inputs  # noqa: E402
from .onnx_predictor import OnnxPredictor  # noqa: E402
from .seeding import cpu_name, installed_versions, seed_python_and_numpy  # noqa: E402
from .spec import is_binary, takes_tokens  # noqa: E402
from .torch_model import (NhwcInput, build_module, canonical_state, example_input, load_canonical_state, load_state,  # noqa: E402
                          native_parameter_count)


class ModulePredictor(Predictor):
    def __init__(self, module, device, binary: bool):
        self.module = module
        self.device = device
        self.binary = binary

    def prepare(self, split: Split, batch_size: int) -> list:
        x = torch.from_numpy(torch_inputs(split.x)).to(self.device)
        y = torch.from_numpy(split.y).to(self.device)
        return [(x[i:i + batch_size], y[i:i + batch_size]) for i in range(0, split.n, batch_size)]

    def run(self, batches: list, keep_logits: bool) -> tuple:
        was_training = self.module.training
        self.module.eval()
        kept = [] if keep_logits else None
        correct = torch.zeros((), dtype=torch.int64, device=self.device)
        with torch.inference_mode():
            for xb, yb in batches:
                logits = self.module(xb)
                predicted = (logits[:, 0] > 0).long() if self.binary else logits.argmax(dim=1)
                correct += (predicted == yb).sum()
                if kept is not None:
                    kept.append(logits)
        self.module.train(was_training)
        return int(correct.item()), kept

    def logits(self, handles: list) -> np.ndarray:
        return torch.cat(handles).float().cpu().numpy()


class TorchBackend(Backend):
    binding = "pytorch/python"
    framework = "pytorch"

    def __init__(self):
        self.device = torch.device("cpu")
        self.model_spec = None
        self.module = None

    def versions(self) -> dict:
        return {"python": sys.version.split()[0], "torch": torch.__version__, "numpy": np.__version__,
                **installed_versions("safetensors", "onnx", "onnxscript", "onnxruntime")}

    def configure(self, seed: int, device: str, deterministic: bool = True, threads: int = None) -> tuple:
        settings = seed_python_and_numpy(seed)
        settings["threads_requested"] = threads
        if threads is not None:
            torch.set_num_threads(threads)
            try:
                torch.set_num_interop_threads(threads)
            except RuntimeError as e:  # only before any inter-op work has started; say so rather than fail the run
                settings["torch_inter_op_threads_error"] = str(e)
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(deterministic)
        torch.backends.cudnn.deterministic = deterministic
        torch.backends.cudnn.benchmark = False
        settings.update({
            "torch_manual_seed": seed,
            "torch_use_deterministic_algorithms": torch.are_deterministic_algorithms_enabled(),
            "cudnn_deterministic": torch.backends.cudnn.deterministic,
            "cudnn_benchmark": torch.backends.cudnn.benchmark,
            "CUBLAS_WORKSPACE_CONFIG": os.environ.get("CUBLAS_WORKSPACE_CONFIG"),
            "torch_intra_op_threads": torch.get_num_threads(),
            "torch_inter_op_threads": torch.get_num_interop_threads(),
            "mkldnn_enabled": torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled,
        })
        if device == "cuda":
            if not torch.cuda.is_available():
                raise not_supported(f"device cuda was requested but torch {torch.__version__} reports torch.cuda.is_available() == False "
                                    f"(CUDA build {torch.version.cuda}, {torch.cuda.device_count()} devices visible)")
            self.device = torch.device("cuda")
            settings["cuda_version"] = torch.version.cuda
            settings["cudnn_version"] = torch.backends.cudnn.version()
            return {"kind": "cuda", "name": torch.cuda.get_device_name(0)}, settings
        return {"kind": "cpu", "name": cpu_name()}, settings

    def synchronize(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize()

    def peak_device_bytes(self):
        return torch.cuda.max_memory_allocated() if self.device.type == "cuda" else None

    # --- the native model ---
    def build(self, model: dict) -> None:
        self.model_spec = model
        self.module = build_module(model).to(self.device)

    def parameter_count(self) -> int:
        return native_parameter_count(self.module)

    def load_canonical(self, tensors: dict) -> None:
        load_canonical_state(self.module, self.model_spec, tensors)

    def _load_state(self, state: dict) -> None:
        load_state(self.module, self.model_spec, state)

    def canonical(self) -> dict:
        return canonical_state(self.module, self.model_spec)

    def load_for_export(self, fmt: str, path: str) -> None:
        if fmt == "safetensors":
            self.load_canonical(load_canonical_weights(self.model_spec, path))
        elif fmt == "torch-state-dict":
            self._load_state(torch.load(path, map_location="cpu", weights_only=True))
        elif fmt == "torchscript":
            self._load_state(torch.jit.load(path, map_location="cpu").state_dict())
        else:
            raise not_supported(f"{self.binding} cannot read parameters from format {fmt} (it reads safetensors, torch-state-dict, torchscript)")

    def predictor(self) -> Predictor:
        return ModulePredictor(self.module, self.device, is_binary(self.model_spec))

    def load_predictor(self, model: dict, fmt: str, path: str) -> Predictor:
        if not os.path.exists(path):
            raise RunnerError("bad_request", f"weights {path} ({fmt}) do not exist")
        if fmt in ("safetensors", "torch-state-dict"):
            self.build(model)
            self.load_for_export(fmt, path)
            return self.predictor()
        if fmt == "torchscript":
            return ModulePredictor(torch.jit.load(path, map_location=self.device), self.device, is_binary(model))
        if fmt == "onnx":
            if self.device.type != "cpu":
                raise not_supported("ONNX inference runs on onnxruntime's CPU provider only in this runner")
            return OnnxPredictor(path, is_binary(model))
        raise not_supported(f"{self.binding} cannot load format {fmt} (it loads safetensors, torch-state-dict, torchscript, onnx)")

    def write_artifact(self, fmt: str, output_dir: str) -> str:
        path = os.path.join(output_dir, ARTIFACT_FILES[fmt])
        cpu_module = copy.deepcopy(self.module).cpu().eval()
        if fmt == "safetensors":
            save_canonical_weights(self.model_spec, self.canonical(), path, {"model": self.model_spec["id"], "binding": self.binding, "torch": torch.__version__})
        elif fmt == "torch-state-dict":
            torch.save(cpu_module.state_dict(), path)
        elif fmt == "torchscript":
            torch.jit.script(cpu_module).save(path)
        elif fmt == "onnx":
            self._export_onnx(cpu_module, path)
        else:
            raise not_supported(f"{self.binding} does not write format {fmt} (it writes safetensors, torch-state-dict, torchscript, onnx)")
        return path

    def _export_onnx(self, cpu_module: nn.Module, path: str) -> None:
        # The protocol's ONNX input is NHWC images or [N, T] int32 token ids, whatever PyTorch takes natively.
        exported = cpu_module if takes_tokens(self.model_spec) else NhwcInput(cpu_module).eval()
        try:
            torch.onnx.export(exported, (example_input(self.model_spec),), path, input_names=["x"], output_names=["logits"],
                              dynamic_shapes=({0: torch.export.Dim("batch")},), external_data=False)
        except ImportError as e:
            raise not_supported(f"torch.onnx.export needs a package this environment lacks: {e}") from None

    # --- training ---
    def start_training(self, hyper: dict, train: Split) -> dict:
        self.x_train = torch.from_numpy(torch_inputs(train.x)).to(self.device)
        self.y_train = torch.from_numpy(train.y).to(self.device)
        self.optimizer, settings = self._optimizer(hyper["optimizer"])
        self.loss_fn, binary = self._loss(hyper["loss"], settings)
        if binary:
            self.y_train = self.y_train.float()
        # randperm draws from its own generator so the model's initialisers and the data order do not share a stream.
        self.shuffle_generator = torch.Generator().manual_seed(torch.initial_seed())
        self.module.train()
        return settings

    @staticmethod
    def _loss(name: str, settings: dict) -> tuple:
        """(loss_fn(logits, y), whether the labels are float targets of one logit); names the loss in `settings`."""
        if name == "binary_crossentropy":
            # The model outputs one pre-sigmoid logit; BCEWithLogitsLoss is the numerically stable sigmoid + BCE.
            bce = nn.BCEWithLogitsLoss()
            settings["loss"] = "nn.BCEWithLogitsLoss"
            return (lambda logits, y: bce(logits[:, 0], y)), True
        settings["loss"] = "nn.CrossEntropyLoss"
        return nn.CrossEntropyLoss(), False

    def _optimizer(self, optimizer: dict) -> tuple:
        lr = optimizer["learning_rate"]
        if optimizer["name"] == "sgd":
            return torch.optim.SGD(self.module.parameters(), lr=lr), {"optimizer": "torch.optim.SGD", "lr": lr}
        # What the request leaves out is torch's own default, read from the signature rather than restated here.
        defaults = inspect.signature(torch.optim.Adam).parameters
        betas = (optimizer.get("beta_1", defaults["betas"].default[0]), optimizer.get("beta_2", defaults["betas"].default[1]))
        eps = optimizer.get("epsilon", defaults["eps"].default)
        adam = torch.optim.Adam(self.module.parameters(), lr=lr, betas=betas, eps=eps)
        return adam, {"optimizer": "torch.optim.Adam", "lr": lr, "betas": list(betas), "eps": eps}

    def epoch_order(self, shared_row, n: int):
        if shared_row is not None:
            return torch.from_numpy(shared_row).to(self.device)
        return torch.randperm(n, generator=self.shuffle_generator).to(self.device)

    def index_batches(self, order, batch_size: int) -> list:
        return list(order.split(batch_size))

    def train_step(self, indices):
        xb = self.x_train[indices]
        yb = self.y_train[indices]
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.loss_fn(self.module(xb), yb)
        loss.backward()
        self.optimizer.step()
        return loss.detach()

    def wait(self, loss) -> None:
        self.synchronize()

    def loss_values(self, losses: list) -> np.ndarray:
        return torch.stack(losses).cpu().numpy().astype(np.float64)

    # --- training, style idiomatic ---
    def idiomatic_trainer(self, hyper: dict, train: Split) -> IdiomaticTrainer:
        optimizer, settings = self._optimizer(hyper["optimizer"])
        loss_fn, binary = self._loss(hyper["loss"], settings)
        # The training split stays in host memory as the tutorials keep it; each batch goes to the device in the loop.
        x = torch.from_numpy(torch_inputs(train.x))
        y = torch.from_numpy(train.y)
        dataset = TensorDataset(x, y.float() if binary else y)
        # Seeded as the minimal loop's randperm generator is: with the request's seed (torch.manual_seed's).
        return DataLoaderTrainer(self.module, self.device, dataset, hyper["batch_size"], optimizer, loss_fn, settings, torch.initial_seed())


class OrderSampler(Sampler):
    """Yields the epoch's shared order row: the DataLoader batches it into the minimal loop's batches."""

    def __init__(self, n: int):
        self.row = list(range(n))

    def set_row(self, row: np.ndarray) -> None:
        self.row = row.tolist()

    def __iter__(self):
        return iter(self.row)

    def __len__(self) -> int:
        return len(self.row)


class DataLoaderTrainer(IdiomaticTrainer):
    """The training loop of PyTorch's tutorials ("Optimizing Model Parameters"): a DataLoader over a Dataset of the
    training split, and per batch `.to(device)`, zero_grad, forward, loss, backward, step.

    num_workers=0 (the DataLoader's default, as in the tutorials and the study): worker processes would compete for
    the cores whose time is being measured. pin_memory stays at its default (False) too.
    """

    def __init__(self, module: nn.Module, device, dataset: TensorDataset, batch_size: int, optimizer, loss_fn, settings: dict, seed: int):
        self.module, self.device, self.optimizer, self.loss_fn = module, device, optimizer, loss_fn
        n = len(dataset)
        self.native = DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed), num_workers=0)
        self.sampler = OrderSampler(n)
        self.shared = DataLoader(dataset, batch_size=batch_size, sampler=self.sampler, num_workers=0)
        self.loader = None
        self.settings = {**settings, "data": f"DataLoader(TensorDataset, batch_size={batch_size}, num_workers=0); native order shuffle=True "
                                             f"with torch.Generator().manual_seed({seed}), shared order a Sampler yielding the epoch's row"}

    def begin_epoch(self, shared_row) -> None:
        if shared_row is None:
            self.loader = self.native
        else:
            self.sampler.set_row(shared_row)
            self.loader = self.shared

    def run_epoch(self) -> list:
        module, device, optimizer, loss_fn = self.module, self.device, self.optimizer, self.loss_fn
        module.train()
        losses = []
        for x, y in self.loader:
            x, y = x.to(device), y.to(device)
            optimizer.zero_grad()
            loss = loss_fn(module(x), y)
            loss.backward()
            optimizer.step()
            # Kept on the device and read after the clock stops, as in the minimal loop (the tutorials' loss.item()
            # would synchronise each step on a GPU).
            losses.append(loss.detach())
        return losses

    def epoch_losses(self, losses: list) -> tuple:
        values = torch.stack(losses).cpu().numpy().astype(np.float64)
        return values, float(np.mean(values))
