/**
 * The request the orchestrator writes for one cell; a runner reads it from the path given as its only argument.
 * Everything a runner measures or produces is named here: a runner never decides what to measure.
 */
import { z } from 'zod';
import { modelSpecSchema } from '../zoo/model-spec.js';

export const tensorFileSchema = z.object({
  /** Absolute path of a safetensors file. */
  path: z.string(),
  sha256: z.string(),
});

export const datasetFilesSchema = z.object({
  id: z.string(),
  /**
   * safetensors with `x` [N, ...input_shape] and `y` (I64, [N]). The dtype of `x` says what it holds: U8 images,
   * which runners scale by 1/255 to float32; I32 token ids, which runners use as they are (integer tensors).
   */
  train: tensorFileSchema,
  test: tensorFileSchema,
  /** Use only the first n training examples (quick presets); null = all. */
  train_limit: z.number().int().positive().nullable(),
  /** Use only the first n test examples, in evaluation and inference (quick presets); absent or null = all. */
  test_limit: z.number().int().positive().nullable().optional(),
});

export const hyperSchema = z.object({
  epochs: z.number().int().positive(),
  batch_size: z.number().int().positive(),
  optimizer: z.object({
    name: z.enum(['sgd', 'adam']),
    learning_rate: z.number().positive(),
    /**
     * Adam only; each one absent = the binding's own default, as the study ran it: beta_1 0.9 and beta_2 0.999
     * everywhere, epsilon 1e-7 in Keras/TensorFlow.js and 1e-8 in PyTorch.
     */
    beta_1: z.number().min(0).lt(1).optional(),
    beta_2: z.number().min(0).lt(1).optional(),
    epsilon: z.number().positive().optional(),
  }),
  /** Always computed from the logits: softmax for `sparse_categorical_crossentropy`, sigmoid for `binary_crossentropy`. */
  loss: z.enum(['sparse_categorical_crossentropy', 'binary_crossentropy']),
});
export type Hyper = z.infer<typeof hyperSchema>;

export const artifactFormatSchema = z.enum([
  'safetensors', // canonical names and layouts, every binding
  'torch-state-dict', // .pt
  'torchscript',
  'keras',
  'savedmodel',
  'tfjs-layers',
  'onnx',
]);
export type ArtifactFormat = z.infer<typeof artifactFormatSchema>;

export const requestSchema = z.object({
  protocol: z.number().int(),
  run_id: z.string(),
  binding: z.string(),
  mode: z.enum(['train', 'infer', 'export']),
  model: modelSpecSchema,
  hyper: hyperSchema,
  data: datasetFilesSchema,
  seed: z.number().int().nonnegative(),
  device: z.enum(['cpu', 'cuda']),
  /** `shared`: batches follow `order` (one permutation per epoch); `native`: the binding shuffles itself. */
  data_order: z.enum(['shared', 'native']),
  /** safetensors with `order` (I32, [epochs, n]); present when data_order is `shared`. */
  order: tensorFileSchema.nullable(),
  /**
   * How the runner trains (protocol 2). `minimal`: bindbench's explicit loop over batches gathered from tensors already
   * on the device, one optimiser step each, the same in every binding. `idiomatic`: the training code the binding's own
   * documentation teaches (PyTorch's DataLoader loop, Keras and TensorFlow.js `model.fit`, tch's `Iter2`), with that
   * API's data path inside the timed region; a binding without such an API answers `not_supported`.
   */
  style: z.enum(['minimal', 'idiomatic']),
  /** `shared`: load `init` (canonical safetensors) before training; `native`: the binding's default initialisers. */
  init: z.enum(['shared', 'native']),
  /**
   * Turn on the framework's deterministic kernels where the binding has a switch (PyTorch's
   * use_deterministic_algorithms and cuDNN's deterministic mode; TensorFlow's enable_op_determinism). Optional within
   * protocol 2: absent means true, what every runner did before the field existed. A runner without a switch ignores
   * it and reports what it does in `start.settings`.
   */
  deterministic: z.boolean().optional(),
  /**
   * Intra- and inter-op threads the framework should use (optional within protocol 2): set when the orchestrator
   * pins the cell to that many cores. Absent or null: the framework's own default (every core). A runner applies it
   * with its framework's switch where there is one (the orchestrator also sets OMP_NUM_THREADS and
   * TF_NUM_INTRAOP_THREADS/TF_NUM_INTEROP_THREADS for those without) and reports in `start.settings` what it got,
   * with `cpu_affinity`, the CPUs it may run on.
   */
  threads: z.number().int().positive().nullable().optional(),
  init_weights: tensorFileSchema.nullable(),
  /** Directory the runner writes artifacts into (it exists). */
  output_dir: z.string(),
  /** Artifacts to write after training (train) or from `weights` (export). */
  artifacts: z.array(artifactFormatSchema),
  /** For infer and export: the model to load. */
  weights: z.object({ format: artifactFormatSchema, path: z.string() }).nullable(),
  inference: z.object({
    warmup: z.number().int().nonnegative(),
    repetitions: z.number().int().positive(),
    batch_size: z.number().int().positive(),
    /** Also count correct predictions on the training set (once, untimed). */
    include_train: z.boolean(),
  }),
  /**
   * Train mode: evaluate the test set after every k-th epoch and after the last (optional within protocol 2: absent
   * means 1, every epoch). The training split is evaluated after every epoch regardless: its curve is what RQ1
   * compares. A runner that predates the field evaluates the test set every epoch, which is still a valid answer.
   */
  test_every: z.number().int().positive().optional(),
  /** Emit a `step` event with the loss of each of the first n optimiser steps (0 = none). */
  record_step_losses: z.number().int().nonnegative(),
});
export type RunnerRequest = z.infer<typeof requestSchema>;
