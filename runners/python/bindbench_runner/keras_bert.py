"""BERT as Keras layers: the zoo's `bert` layer (Hugging Face's BertModel: embeddings, post-LayerNorm encoder
blocks, tanh pooler on [CLS]) built from keras.layers Embedding, Dense and LayerNormalization, with the attention
written in keras.ops as BertModel's eager attention is.

Its sublayers are created in the canonical parameter order (src/zoo/parameters.ts), so `get_weights()` and
`set_weights()` list the canonical tensors in order, dense kernels transposed to Keras's [in, out]
(layout.bert_canonical_to_keras). Input: token ids only; padding (id 0) is masked inside, as in torch_bert.py.
"""
import math

import keras
import numpy as np
from keras import ops


class _Block(keras.layers.Layer):
    """One encoder layer: self-attention → dense → dropout → LayerNorm(+x), GELU feed-forward → LayerNorm(+a)."""

    def __init__(self, hidden: int, heads: int, inner: int, eps: float, dropout: float, **kwargs):
        super().__init__(**kwargs)
        self.heads, self.head_size = heads, hidden // heads
        # Creation order is the canonical order of encoder.layer.i.*.
        self.query = keras.layers.Dense(hidden, name="query")
        self.key = keras.layers.Dense(hidden, name="key")
        self.value = keras.layers.Dense(hidden, name="value")
        self.attention_output = keras.layers.Dense(hidden, name="attention_output")
        self.attention_norm = keras.layers.LayerNormalization(epsilon=eps, name="attention_norm")
        self.intermediate = keras.layers.Dense(inner, name="intermediate")
        self.output_dense = keras.layers.Dense(hidden, name="output_dense")
        self.output_norm = keras.layers.LayerNormalization(epsilon=eps, name="output_norm")
        self.dropout = keras.layers.Dropout(dropout)

    def _split(self, x, t):
        return ops.transpose(ops.reshape(x, (-1, t, self.heads, self.head_size)), (0, 2, 1, 3))

    def call(self, x, mask_bias, training=False):
        t = x.shape[1]
        q, k, v = self._split(self.query(x), t), self._split(self.key(x), t), self._split(self.value(x), t)
        scores = ops.matmul(q, ops.transpose(k, (0, 1, 3, 2))) / math.sqrt(self.head_size) + mask_bias
        probs = self.dropout(ops.softmax(scores, axis=-1), training=training)
        context = ops.reshape(ops.transpose(ops.matmul(probs, v), (0, 2, 1, 3)), (-1, t, self.heads * self.head_size))
        a = self.attention_norm(self.dropout(self.attention_output(context), training=training) + x)
        # BERT's "gelu" is the exact erf form; Keras's default is the tanh approximation.
        f = self.output_dense(keras.activations.gelu(self.intermediate(a), approximate=False))
        return self.output_norm(self.dropout(f, training=training) + a)


@keras.saving.register_keras_serializable(package="bindbench")
class Bert(keras.layers.Layer):
    """Token ids [n, T] → pooled [CLS] vector [n, hidden]."""

    def __init__(self, spec: dict, **kwargs):
        super().__init__(**kwargs)
        self.spec = dict(spec)
        h, eps, p = spec["hidden"], spec["layer_norm_epsilon"], spec["dropout"]
        self.word_embeddings = keras.layers.Embedding(spec["vocab"], h, name="word_embeddings")
        self.position_embeddings = keras.layers.Embedding(spec["max_position"], h, name="position_embeddings")
        self.token_type_embeddings = keras.layers.Embedding(spec["type_vocab"], h, name="token_type_embeddings")
        self.embeddings_norm = keras.layers.LayerNormalization(epsilon=eps, name="embeddings_norm")
        self.blocks = [_Block(h, spec["heads"], spec["intermediate"], eps, p, name=f"layer_{i}") for i in range(spec["layers"])]
        self.pooler = keras.layers.Dense(h, activation="tanh", name="pooler")
        self.dropout = keras.layers.Dropout(p)
        # BertModel masks padding with float32's lowest value.
        self.mask_value = float(np.finfo(np.float32).min)

    def build(self, input_shape):
        # Built here, in canonical order, so the weights exist (and are ordered) before the first call.
        t, h = input_shape[1], self.spec["hidden"]
        self.word_embeddings.build((None, t))
        self.position_embeddings.build((t,))
        self.token_type_embeddings.build((1,))
        self.embeddings_norm.build((None, t, h))
        for block in self.blocks:
            for dense, width in ((block.query, h), (block.key, h), (block.value, h), (block.attention_output, h)):
                dense.build((None, t, width))
            block.attention_norm.build((None, t, h))
            block.intermediate.build((None, t, h))
            block.output_dense.build((None, t, self.spec["intermediate"]))
            block.output_norm.build((None, t, h))
            block.built = True
        self.pooler.build((None, h))

    def call(self, ids, training=False):
        t = ids.shape[1]
        x = self.word_embeddings(ids) + ops.expand_dims(self.position_embeddings(ops.arange(t)), 0) + self.token_type_embeddings.embeddings[0]
        x = self.dropout(self.embeddings_norm(x), training=training)
        mask_bias = ops.cast(ops.equal(ids, 0), x.dtype)[:, None, None, :] * self.mask_value
        for block in self.blocks:
            x = block(x, mask_bias, training=training)
        return self.pooler(x[:, 0])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.spec["hidden"])

    def get_config(self):
        return {**super().get_config(), "spec": self.spec}
