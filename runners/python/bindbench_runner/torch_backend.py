"""pytorch/python: the model as torch.nn layers in NCHW, trained with torch.optim and nn.CrossEntropyLoss.

PyTorch's parameter layouts are the canonical ones, so canonical safetensors map 1:1 onto the state dict; only
inputs change layout (NHWC cache -> NCHW), through layout.nhwc_to_nchw.
"""
import copy
import os
import sys
from collections import OrderedDict

import numpy as np

# cuBLAS reads this when it creates its first handle; deterministic GEMMs on CUDA need it (PyTorch's
# reproducibility notes). Set before torch is imported so nothing can have created a handle yet.
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

import torch  # noqa: E402
from torch import nn  # noqa: E402

from .backend import ARTIFACT_FILES, Backend, Predictor  # noqa: E402
from .data import Split, load_canonical_weights, save_canonical_weights  # noqa: E402
from .errors import RunnerError, not_supported  # noqa: E402
from .layout import nhwc_to_nchw  # noqa: E402
from .onnx_predictor import OnnxPredictor  # noqa: E402
from .seeding import cpu_name, installed_versions, seed_python_and_numpy  # noqa: E402
from .spec import plan_layers  # noqa: E402

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid}


def build_module(model: dict) -> nn.Sequential:
    """nn.Sequential whose parameter names are the canonical ones (`conv1.weight`, ...)."""
    modules = OrderedDict()
    for i, p in enumerate(plan_layers(model)):
        layer = p.spec
        kind = layer["kind"]
        if kind == "conv2d":
            modules[layer["name"]] = nn.Conv2d(p.input_shape[2], layer["filters"], layer["kernel"], padding=layer["padding"], bias=layer["bias"])
        elif kind == "maxpool2d":
            modules[f"pool{i}"] = nn.MaxPool2d(layer["size"])
        elif kind == "flatten":
            modules[f"flatten{i}"] = nn.Flatten()
        elif kind == "dense":
            modules[layer["name"]] = nn.Linear(p.input_shape[0], layer["units"], bias=layer["bias"])
        if layer.get("activation", "linear") != "linear":
            modules[f"{layer['name']}_{layer['activation']}"] = ACTIVATIONS[layer["activation"]]()
    return nn.Sequential(modules)


class NhwcInput(nn.Module):
    """Takes the protocol's NHWC input for formats that other bindings read (ONNX)."""

    def __init__(self, inner: nn.Module):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x.permute(0, 3, 1, 2))


class ModulePredictor(Predictor):
    def __init__(self, module, device):
        self.module = module
        self.device = device

    def prepare(self, split: Split, batch_size: int) -> list:
        x = torch.from_numpy(nhwc_to_nchw(split.x)).to(self.device)
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
                correct += (logits.argmax(dim=1) == yb).sum()
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

    def configure(self, seed: int, device: str) -> tuple:
        settings = seed_python_and_numpy(seed)
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True)
        torch.backends.cudnn.deterministic = True
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

    # --- the native model ---
    def build(self, model: dict) -> None:
        self.model_spec = model
        self.module = build_module(model).to(self.device)

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.module.parameters())

    def load_canonical(self, tensors: dict) -> None:
        self._load_state({k: torch.from_numpy(np.array(v, copy=True)) for k, v in tensors.items()})

    def _load_state(self, state: dict) -> None:
        try:
            self.module.load_state_dict(state, strict=True)
        except RuntimeError as e:
            raise RunnerError("bad_request", f"the weights do not fit model {self.model_spec['id']}: {e}") from None

    def canonical(self) -> dict:
        return {k: v.detach().cpu().numpy().copy() for k, v in self.module.state_dict().items()}

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
        return ModulePredictor(self.module, self.device)

    def load_predictor(self, model: dict, fmt: str, path: str) -> Predictor:
        if not os.path.exists(path):
            raise RunnerError("bad_request", f"weights {path} ({fmt}) do not exist")
        if fmt in ("safetensors", "torch-state-dict"):
            self.build(model)
            self.load_for_export(fmt, path)
            return self.predictor()
        if fmt == "torchscript":
            return ModulePredictor(torch.jit.load(path, map_location=self.device), self.device)
        if fmt == "onnx":
            if self.device.type != "cpu":
                raise not_supported("ONNX inference runs on onnxruntime's CPU provider only in this runner")
            return OnnxPredictor(path)
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
        h, w, c = self.model_spec["input_shape"]
        example = torch.zeros(2, h, w, c)
        try:
            torch.onnx.export(NhwcInput(cpu_module).eval(), (example,), path, input_names=["x"], output_names=["logits"],
                              dynamic_shapes={"x": {0: torch.export.Dim("batch")}}, external_data=False)
        except ImportError as e:
            raise not_supported(f"torch.onnx.export needs a package this environment lacks: {e}") from None

    # --- training ---
    def start_training(self, hyper: dict, train: Split) -> None:
        self.x_train = torch.from_numpy(nhwc_to_nchw(train.x)).to(self.device)
        self.y_train = torch.from_numpy(train.y).to(self.device)
        optimizer = hyper["optimizer"]
        if optimizer["name"] == "sgd":
            self.optimizer = torch.optim.SGD(self.module.parameters(), lr=optimizer["learning_rate"])
        else:
            self.optimizer = torch.optim.Adam(self.module.parameters(), lr=optimizer["learning_rate"])
        self.loss_fn = nn.CrossEntropyLoss()
        # randperm draws from its own generator so the model's initialisers and the data order do not share a stream.
        self.shuffle_generator = torch.Generator().manual_seed(torch.initial_seed())
        self.module.train()

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
