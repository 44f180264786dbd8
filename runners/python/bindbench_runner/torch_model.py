"""The zoo model as torch.nn layers (NCHW images, batch-first sequences) and its canonical weights.

Every layer is the binding's own native layer, so the model runs as a PyTorch user's would; the name and layout
conversions to the canonical weights are layout.canonical_to_torch_state / torch_state_to_canonical.
"""
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

from .errors import RunnerError, not_supported
from .layout import canonical_to_torch_state, torch_state_to_canonical
from .spec import plan_layers, takes_tokens
from .torch_bert import Bert

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid}
#: Module names of layers without parameters (the zoo names only layers that have some).
UNNAMED = {"maxpool2d": "pool"}

GRU_RESET_BEFORE = ("torch.nn.GRU has only the reset_after=true form (the reset gate applied after the recurrent matrix "
                    "product, as cuDNN does); PyTorch has no native reset_after=false GRU, and bindbench does not "
                    "hand-write one, since the study compares each binding's own layers")


class LastStep(nn.Module):
    """A batch-first nn.LSTM / nn.GRU whose output is the hidden state of the last time step, as Keras's
    return_sequences=False gives."""

    def __init__(self, rnn: nn.Module):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        out, _ = self.rnn(x)
        return out[:, -1]


class NhwcInput(nn.Module):
    """Takes the protocol's NHWC input for formats that other bindings read (ONNX)."""

    def __init__(self, inner: nn.Module):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x.permute(0, 3, 1, 2))


def _batch_norm(layer: dict, input_shape: tuple) -> nn.Module:
    kwargs = {}
    # The zoo states momentum in Keras's convention (weight of the old moving value); PyTorch's is the new value's.
    if layer["momentum"] != "native":
        kwargs["momentum"] = 1 - layer["momentum"]
    if layer["epsilon"] != "native":
        kwargs["eps"] = layer["epsilon"]
    channels = input_shape[-1]
    return nn.BatchNorm2d(channels, **kwargs) if len(input_shape) == 3 else nn.BatchNorm1d(channels, **kwargs)


def _layer(layer: dict, input_shape: tuple) -> nn.Module:
    kind = layer["kind"]
    if kind == "conv2d":
        return nn.Conv2d(input_shape[2], layer["filters"], layer["kernel"], padding=layer["padding"], bias=layer["bias"])
    if kind == "maxpool2d":
        return nn.MaxPool2d(layer["size"])
    if kind == "flatten":
        return nn.Flatten()
    if kind == "dense":
        return nn.Linear(input_shape[0], layer["units"], bias=layer["bias"])
    if kind == "batch_norm":
        return _batch_norm(layer, input_shape)
    if kind == "dropout":
        return nn.Dropout(layer["rate"])
    if kind == "embedding":
        return nn.Embedding(layer["vocab"], layer["dim"])
    if kind == "lstm":
        return LastStep(nn.LSTM(input_shape[1], layer["units"], batch_first=True))
    if kind == "gru":
        if not layer["reset_after"]:
            raise not_supported(GRU_RESET_BEFORE)
        return LastStep(nn.GRU(input_shape[1], layer["units"], batch_first=True))
    if kind == "bert":
        return Bert(layer)
    raise RunnerError("bad_request", f"pytorch/python cannot build layer kind {kind!r}")


def build_module(model: dict) -> nn.Sequential:
    """nn.Sequential whose parameter names are the canonical ones (`conv1.weight`, ...) or map onto them (layout.py)."""
    modules = OrderedDict()
    for i, p in enumerate(plan_layers(model)):
        layer = p.spec
        kind = layer["kind"]
        if kind == "activation":
            if layer["activation"] != "linear":
                modules[f"{layer['activation']}{i}"] = ACTIVATIONS[layer["activation"]]()
            continue
        modules[layer.get("name", f"{UNNAMED.get(kind, kind)}{i}")] = _layer(layer, p.input_shape)
        if layer.get("activation", "linear") != "linear":
            modules[f"{layer['name']}_{layer['activation']}"] = ACTIVATIONS[layer["activation"]]()
    return nn.Sequential(modules)


def example_input(model: dict, n: int = 2) -> torch.Tensor:
    """A batch in the protocol's layout: NHWC float images or token ids (int32; int64 for BERT, whose exports other
    bindings feed int64 ids, and non-zero so that no row is all padding)."""
    if model["layers"][0]["kind"] == "bert":
        return torch.ones(n, *model["input_shape"], dtype=torch.int64)
    if takes_tokens(model):
        return torch.zeros(n, *model["input_shape"], dtype=torch.int32)
    return torch.zeros(n, *model["input_shape"])


def native_parameter_count(module: nn.Module) -> int:
    """Parameters plus the batch norms' moving statistics (buffers in PyTorch), as Keras's count_params counts them.
    An LSTM counts 4·units more than the zoo: torch keeps b_ih and b_hh where the canonical model has their sum."""
    stats = sum(b.numel() for name, b in module.named_buffers() if name.endswith(("running_mean", "running_var")))
    return sum(p.numel() for p in module.parameters()) + stats


def load_canonical_state(module: nn.Module, model: dict, tensors: dict) -> None:
    state = {k: torch.from_numpy(v) for k, v in canonical_to_torch_state(model, tensors).items()}
    # num_batches_tracked is torch's own counter (used only when momentum is None), not a canonical parameter.
    for name, value in module.state_dict().items():
        if name.endswith("num_batches_tracked"):
            state[name] = value.clone()
    load_state(module, model, state)


def load_state(module: nn.Module, model: dict, state: dict) -> None:
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise RunnerError("bad_request", f"the weights do not fit model {model['id']}: {e}") from None


def canonical_state(module: nn.Module, model: dict) -> dict:
    native = {k: v.detach().cpu().numpy().copy() for k, v in module.state_dict().items()}
    return {k: np.asarray(v, dtype=np.float32) for k, v in torch_state_to_canonical(model, native).items()}
