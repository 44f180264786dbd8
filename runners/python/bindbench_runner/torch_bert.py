"""BERT as torch.nn layers, module for module Hugging Face's BertModel (eager attention, absolute positions, one
token type), so its state-dict names are BertModel's and a BertModel checkpoint loads without renaming.

Written here rather than imported from transformers so the runner's model is plain torch.nn: it scripts with
torch.jit.script, exports to ONNX, and needs no transformers in an environment that only runs it. The tests check
it against transformers' BertModel on the package's weights. Its input is token ids only: the attention mask
(id != 0, BERT's [PAD]) is computed inside, so TorchScript and ONNX exports take one int64 [n, T] tensor.
"""
import math

import torch
from torch import nn


class BertEmbeddings(nn.Module):
    def __init__(self, vocab: int, hidden: int, max_position: int, type_vocab: int, eps: float, dropout: float):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden, padding_idx=0)
        self.position_embeddings = nn.Embedding(max_position, hidden)
        self.token_type_embeddings = nn.Embedding(type_vocab, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
        self.dropout = nn.Dropout(dropout)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(ids.shape[1], device=ids.device)
        # Every token is of type 0 (single sentences), so that row is added to every position.
        x = self.word_embeddings(ids) + self.position_embeddings(positions).unsqueeze(0) + self.token_type_embeddings.weight[0]
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.head_size = hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.dropout = nn.Dropout(dropout)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        n, t = x.shape[0], x.shape[1]
        return x.view(n, t, self.heads, self.head_size).transpose(1, 2)

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        q, k, v = self._split(self.query(x)), self._split(self.key(x)), self._split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size) + mask_bias
        context = torch.matmul(self.dropout(torch.softmax(scores, dim=-1)), v)
        n, t = x.shape[0], x.shape[1]
        return context.transpose(1, 2).reshape(n, t, self.heads * self.head_size)


class BertResidual(nn.Module):
    """dense → dropout → LayerNorm(x + residual): BertModel's SelfOutput and Output."""

    def __init__(self, inputs: int, hidden: int, eps: float, dropout: float):
        super().__init__()
        self.dense = nn.Linear(inputs, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class BertAttention(nn.Module):
    def __init__(self, hidden: int, heads: int, eps: float, dropout: float):
        super().__init__()
        # BertModel's own attribute name, so the parameters are `attention.self.query.weight`, … .
        self.self = BertSelfAttention(hidden, heads, dropout)
        self.output = BertResidual(hidden, hidden, eps, dropout)

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(x, mask_bias), x)


class BertIntermediate(nn.Module):
    def __init__(self, hidden: int, inner: int):
        super().__init__()
        self.dense = nn.Linear(hidden, inner)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # BERT's "gelu" is the exact erf form, torch's default.
        return nn.functional.gelu(self.dense(x))


class BertLayer(nn.Module):
    def __init__(self, hidden: int, heads: int, inner: int, eps: float, dropout: float):
        super().__init__()
        self.attention = BertAttention(hidden, heads, eps, dropout)
        self.intermediate = BertIntermediate(hidden, inner)
        self.output = BertResidual(inner, hidden, eps, dropout)

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        a = self.attention(x, mask_bias)
        return self.output(self.intermediate(a), a)


class BertEncoder(nn.Module):
    def __init__(self, count: int, hidden: int, heads: int, inner: int, eps: float, dropout: float):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(hidden, heads, inner, eps, dropout) for _ in range(count)])

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        for layer in self.layer:
            x = layer(x, mask_bias)
        return x


class BertPooler(nn.Module):
    def __init__(self, hidden: int):
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.dense(x[:, 0]))


class Bert(nn.Module):
    """Token ids [n, T] (any integer dtype) → pooled [CLS] vector [n, hidden]."""

    def __init__(self, layer: dict):
        super().__init__()
        h, eps, p = layer["hidden"], layer["layer_norm_epsilon"], layer["dropout"]
        self.embeddings = BertEmbeddings(layer["vocab"], h, layer["max_position"], layer["type_vocab"], eps, p)
        self.encoder = BertEncoder(layer["layers"], h, layer["heads"], layer["intermediate"], eps, p)
        self.pooler = BertPooler(h)
        # BertModel masks padding with the dtype's lowest value; float32 here, held as a constant for TorchScript.
        self.mask_value = float(torch.finfo(torch.float32).min)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        ids = ids.long()
        x = self.embeddings(ids)
        # Padding (id 0) is pushed out of the softmax, as BertModel's extended attention mask does.
        mask_bias = (ids == 0).to(x.dtype)[:, None, None, :] * self.mask_value
        return self.pooler(self.encoder(x, mask_bias))
