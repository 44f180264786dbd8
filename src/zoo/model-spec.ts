/**
 * Models are data: a model is a list of layers that every runner builds with its own native layers.
 * Parameter names are `<layer name>.<param>`; layouts are fixed by `canonicalParameters` (see docs/models.md).
 */
import { z } from 'zod';

export const activationSchema = z.enum(['linear', 'tanh', 'relu', 'sigmoid']);
export type Activation = z.infer<typeof activationSchema>;

/**
 * A batch-norm setting is a number every binding uses, or `native`: each binding keeps its framework's default
 * (Keras momentum 0.99, epsilon 1e-3; PyTorch momentum 0.1, i.e. 0.9 here, eps 1e-5), as the study did.
 */
const nativeOr = z.union([z.literal('native'), z.number().positive().lt(1)]);

/** A recurrent layer's gate activation: absent or `sigmoid` in every binding, or `native` (see the lstm layer). */
const recurrentActivation = z.enum(['sigmoid', 'native']).optional();

export const layerSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('conv2d'),
    name: z.string(),
    filters: z.number().int().positive(),
    kernel: z.number().int().positive(),
    /** 'same' keeps H and W at stride 1; 'valid' adds no padding. */
    padding: z.enum(['same', 'valid']),
    activation: activationSchema,
    bias: z.boolean(),
  }),
  z.object({ kind: z.literal('maxpool2d'), size: z.number().int().positive() }),
  z.object({ kind: z.literal('flatten') }),
  z.object({
    kind: z.literal('dense'),
    name: z.string(),
    units: z.number().int().positive(),
    activation: activationSchema,
    bias: z.boolean(),
  }),
  z.object({
    kind: z.literal('batch_norm'),
    name: z.string(),
    /** Keras's convention: moving = momentum · moving + (1 − momentum) · batch (PyTorch's momentum is 1 − this). */
    momentum: nativeOr,
    epsilon: nativeOr,
  }),
  /** An activation on its own, after a layer that has none (conv → batch norm → ReLU). */
  z.object({ kind: z.literal('activation'), activation: activationSchema }),
  /** Drops `rate` of its inputs while training; the identity in inference. */
  z.object({ kind: z.literal('dropout'), rate: z.number().min(0).lt(1) }),
  /** Token ids [T] → vectors [T, dim]; ids must lie in 0..vocab-1 (no masking: padding tokens are embedded too). */
  z.object({
    kind: z.literal('embedding'),
    name: z.string(),
    vocab: z.number().int().positive(),
    dim: z.number().int().positive(),
  }),
  /**
   * One unidirectional LSTM layer over [T, features]; outputs the hidden state of the last time step. Its gates use
   * the sigmoid unless `recurrent_activation` is `native`: each binding's own default (TensorFlow.js's hardSigmoid;
   * Keras, PyTorch and tch have the sigmoid).
   */
  z.object({ kind: z.literal('lstm'), name: z.string(), units: z.number().int().positive(), recurrent_activation: recurrentActivation }),
  /**
   * One unidirectional GRU layer, last time step. `reset_after` true applies the reset gate after the recurrent
   * matrix product (cuDNN's, PyTorch's and Keras's default form, two bias vectors); false before it (Cho et al.
   * 2014, one bias vector; the only form TensorFlow.js has).
   */
  z.object({ kind: z.literal('gru'), name: z.string(), units: z.number().int().positive(), reset_after: z.boolean(), recurrent_activation: recurrentActivation }),
  /**
   * A BERT encoder (Devlin et al. 2019; Hugging Face's BertModel) over token ids [T], outputting the pooled [CLS]
   * vector [hidden] (dense + tanh on position 0). Id 0 is padding: the model masks it out of attention itself, so
   * every binding feeds token ids only; token types are all 0 and positions 0..T-1. GELU is the exact (erf) form.
   * `dropout` is BERT's hidden and attention-probability dropout. `pretrained` names the registry package whose
   * weights the encoder starts from (then only the layers after it are initialised by the binding or shared).
   */
  z.object({
    kind: z.literal('bert'),
    name: z.string(),
    vocab: z.number().int().positive(),
    hidden: z.number().int().positive(),
    layers: z.number().int().positive(),
    heads: z.number().int().positive(),
    intermediate: z.number().int().positive(),
    max_position: z.number().int().positive(),
    type_vocab: z.number().int().positive(),
    layer_norm_epsilon: z.number().positive(),
    dropout: z.number().min(0).lt(1),
    pretrained: z.string().optional(),
  }),
]);
export type Layer = z.infer<typeof layerSchema>;

export const modelSpecSchema = z.object({
  /** Zoo id, also the CLI value and store key. */
  id: z.string(),
  title: z.string(),
  /** Dataset id in the data registry. */
  dataset: z.string(),
  /**
   * Input shape of one example as the canonical data cache stores it: an image (H, W, C), channels last, U8 scaled
   * to [0, 1]; or a token sequence (T) of I32 ids when the first layer is an embedding or a BERT encoder.
   */
  input_shape: z.array(z.number().int().positive()),
  /** Number of classes; labels are 0..classes-1. */
  classes: z.number().int().positive(),
  /**
   * How the last layer's outputs (the logits) become predictions. `softmax` (the default): `classes` logits,
   * sparse categorical cross-entropy, prediction = argmax. `sigmoid`: two classes, one pre-sigmoid logit,
   * binary cross-entropy, prediction = 1 when the logit is > 0 (p > 0.5).
   */
  output: z.enum(['softmax', 'sigmoid']).optional(),
  layers: z.array(layerSchema),
});
export type ModelSpec = z.infer<typeof modelSpecSchema>;
