"""Every conversion between bindbench's canonical layouts and a framework's native ones, in one place.

Canonical (docs/models.md): image inputs NHWC in the cache; conv weights OIHW; dense weights [out, in] with a
flatten enumerating (C, H, W); batch norms, embeddings and recurrent layers in Keras's names and layouts (kernel
[in, gates·units], recurrent_kernel [units, gates·units], gates LSTM i|f|c|o and GRU z|r|h).

PyTorch is canonical for conv and dense weights and wants NCHW inputs; its recurrent weights are transposed, its
GRU gates are r|z|n, and its LSTM has two bias vectors where the canonical one has their sum. Keras keeps conv
kernels HWIO, dense kernels [in, out], and flattens NHWC maps in (H, W, C) order. All functions take and return
numpy arrays and never alias their input.
"""
import numpy as np

from .spec import GATES, PlannedLayer, layer_shapes, plan_layers

#: Keras GRU kernels hold z|r|h, PyTorch's r|z|n (n is h): swapping the first two blocks maps either onto the other.
GRU_KERAS_TO_TORCH = (1, 0, 2)


def nhwc_to_nchw(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def torch_inputs(x: np.ndarray) -> np.ndarray:
    """Images NHWC -> NCHW; token ids [N, T] are already what torch.nn.Embedding takes."""
    return nhwc_to_nchw(x) if x.ndim == 4 else np.ascontiguousarray(x)


def conv_oihw_to_hwio(w: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(w.transpose(2, 3, 1, 0))


def conv_hwio_to_oihw(w: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(w.transpose(3, 2, 0, 1))


def dense_canonical_to_keras(w: np.ndarray, flattened_from=None) -> np.ndarray:
    """[out, in] -> [in, out]; after a flatten of an (H, W, C) map, `in` goes from (C, H, W) to (H, W, C) order."""
    if flattened_from is not None:
        h, w_, c = flattened_from
        out = w.shape[0]
        w = w.reshape(out, c, h, w_).transpose(0, 2, 3, 1).reshape(out, h * w_ * c)
    return np.ascontiguousarray(w.T)


def dense_keras_to_canonical(k: np.ndarray, flattened_from=None) -> np.ndarray:
    w = k.T
    if flattened_from is not None:
        h, w_, c = flattened_from
        out = w.shape[0]
        w = w.reshape(out, h, w_, c).transpose(0, 3, 1, 2).reshape(out, c * h * w_)
    return np.ascontiguousarray(w)


def reorder_gates(w: np.ndarray, order: tuple, axis: int) -> np.ndarray:
    """Splits `axis` into len(order) equal gate blocks and puts them back in `order`."""
    blocks = np.split(w, len(order), axis=axis)
    return np.ascontiguousarray(np.concatenate([blocks[i] for i in order], axis=axis))


# --- Keras ---

def canonical_to_keras_layers(model: dict, tensors: dict) -> dict:
    """Canonical tensors -> {keras layer name: weights in the order layer.set_weights takes them}."""
    weights = {}
    for p, names in _keras_layers(model):
        weights[p.spec["name"]] = _convert_keras_arrays(p, names, [tensors[n] for n in names], to_keras=True)
    return weights


def keras_layers_to_canonical(model: dict, layer_weights: dict) -> dict:
    """{keras layer name: layer.get_weights()} -> canonical tensors, named and shaped as docs/models.md says."""
    tensors = {}
    for p, names in _keras_layers(model):
        tensors.update(zip(names, _convert_keras_arrays(p, names, layer_weights[p.spec["name"]], to_keras=False)))
    return tensors


def _keras_layers(model: dict):
    """(planned layer, its canonical tensor names) for every layer that has weights."""
    for p in plan_layers(model):
        names = list(layer_shapes(p))
        if names:
            yield p, names


def _convert_keras_arrays(p: PlannedLayer, names: list, arrays: list, to_keras: bool) -> list:
    """One layer's weights, in Keras's set_weights/get_weights order, converted either way; always copies."""
    arrays = [np.array(a, copy=True) for a in arrays]
    kind = p.spec["kind"]
    if kind == "conv2d":
        arrays[0] = (conv_oihw_to_hwio if to_keras else conv_hwio_to_oihw)(arrays[0])
    elif kind == "dense":
        arrays[0] = (dense_canonical_to_keras if to_keras else dense_keras_to_canonical)(arrays[0], p.flattened_from)
    elif kind == "bert":
        # The transpose is its own inverse, so one function serves both directions.
        arrays = [bert_canonical_to_keras(n, a) for n, a in zip(names, arrays)]
    # Batch norm [gamma, beta, moving_mean, moving_variance], embeddings and recurrent [kernel,
    # recurrent_kernel, bias] are Keras's own names, layouts and weight order already.
    return arrays


def bert_canonical_to_keras(name: str, array: np.ndarray) -> np.ndarray:
    """One BERT tensor between canonical and keras_bert: dense weights [out, in] <-> Keras kernels [in, out] (its
    own inverse); embeddings [rows, hidden], LayerNorm scale and shift and biases are the same in both."""
    if array.ndim == 2 and "_embeddings." not in name:
        return np.ascontiguousarray(array.T)
    return np.array(array, copy=True)


# --- PyTorch ---

#: Batch norm: canonical statistic -> torch.nn.BatchNorm2d state name.
TORCH_BATCH_NORM = {"gamma": "weight", "beta": "bias", "moving_mean": "running_mean", "moving_variance": "running_var"}


def canonical_to_torch_state(model: dict, tensors: dict) -> dict:
    """Canonical tensors -> the state dict of torch_model.build_module (without BatchNorm's num_batches_tracked)."""
    return _convert_torch_tensors(model, tensors, to_torch=True)


def torch_state_to_canonical(model: dict, state: dict) -> dict:
    return _convert_torch_tensors(model, state, to_torch=False)


def _convert_torch_tensors(model: dict, source: dict, to_torch: bool) -> dict:
    """One walk and one rename table for both directions, so the two cannot drift apart; always copies."""
    out = {}
    for p in plan_layers(model):
        layer = p.spec
        kind, name = layer["kind"], layer.get("name")
        if kind in GATES:
            out.update((_recurrent_to_torch if to_torch else _recurrent_from_torch)(layer, source))
            continue
        if kind in ("conv2d", "dense", "bert"):
            # BERT's canonical names are BertModel's, which torch_bert keeps.
            renames = [(n, n) for n in layer_shapes(p)]
        elif kind == "batch_norm":
            renames = [(f"{name}.{stat}", f"{name}.{torch_name}") for stat, torch_name in TORCH_BATCH_NORM.items()]
        elif kind == "embedding":
            renames = [(f"{name}.embeddings", f"{name}.weight")]
        else:
            renames = []
        for canonical, torch_name in renames:
            src, dst = (canonical, torch_name) if to_torch else (torch_name, canonical)
            out[dst] = np.array(source[src], copy=True)
    return out


def _torch_rnn_prefix(name: str) -> str:
    # torch_model.LastStep holds the nn.LSTM / nn.GRU as `rnn`.
    return f"{name}.rnn."


def _recurrent_to_torch(layer: dict, tensors: dict) -> dict:
    name, kind = layer["name"], layer["kind"]
    kernel, recurrent, bias = (np.asarray(tensors[f"{name}.{k}"]) for k in ("kernel", "recurrent_kernel", "bias"))
    w_ih, w_hh = kernel.T, recurrent.T
    if kind == "lstm":
        # Same gate order i|f|c|o; torch adds two biases, so all of the canonical one goes to b_ih.
        b_ih, b_hh = bias, np.zeros_like(bias)
    else:
        if not layer["reset_after"]:
            raise ValueError("torch.nn.GRU has no reset_after=false form")
        w_ih, w_hh = (reorder_gates(w, GRU_KERAS_TO_TORCH, 0) for w in (w_ih, w_hh))
        # reset_after=true keeps [input bias; recurrent bias], exactly torch's b_ih and b_hh.
        b_ih, b_hh = (reorder_gates(b, GRU_KERAS_TO_TORCH, 0) for b in (bias[0], bias[1]))
    prefix = _torch_rnn_prefix(name)
    return {f"{prefix}weight_ih_l0": np.ascontiguousarray(w_ih), f"{prefix}weight_hh_l0": np.ascontiguousarray(w_hh),
            f"{prefix}bias_ih_l0": np.array(b_ih, copy=True), f"{prefix}bias_hh_l0": np.array(b_hh, copy=True)}


def _recurrent_from_torch(layer: dict, state: dict) -> dict:
    name, kind = layer["name"], layer["kind"]
    prefix = _torch_rnn_prefix(name)
    w_ih, w_hh, b_ih, b_hh = (np.asarray(state[f"{prefix}{k}_l0"]) for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
    if kind == "lstm":
        # Only the sum of torch's two biases matters; a torch-initialised b_hh makes this lossy by float rounding.
        bias = b_ih + b_hh
    else:
        w_ih, w_hh = (reorder_gates(w, GRU_KERAS_TO_TORCH, 0) for w in (w_ih, w_hh))
        bias = np.stack([reorder_gates(b, GRU_KERAS_TO_TORCH, 0) for b in (b_ih, b_hh)])
    return {f"{name}.kernel": np.ascontiguousarray(w_ih.T), f"{name}.recurrent_kernel": np.ascontiguousarray(w_hh.T),
            f"{name}.bias": np.ascontiguousarray(bias)}
