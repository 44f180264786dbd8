/**
 * The JSON-lines events a runner writes to stdout, one object per line, as a union on `type`.
 * Times are seconds from a monotonic clock, read after the device is synchronised.
 */
import { z } from 'zod';
import { artifactFormatSchema } from './request.js';

const seconds = z.number().nonnegative();

export const startEventSchema = z.object({
  type: z.literal('start'),
  protocol: z.number().int(),
  binding: z.string(),
  language: z.string(),
  framework: z.string(),
  /** Library name -> version actually loaded (framework, binding, language runtime). */
  versions: z.record(z.string()),
  device: z.object({ kind: z.enum(['cpu', 'cuda']), name: z.string() }),
  /** Determinism switches and thread settings the runner applied. */
  settings: z.record(z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

export const stepEventSchema = z.object({ type: z.literal('step'), step: z.number().int().nonnegative(), loss: z.number() });

export const epochEventSchema = z.object({
  type: z.literal('epoch'),
  /** 1-based. */
  epoch: z.number().int().positive(),
  train_accuracy: z.number().min(0).max(1),
  /** Null on the epochs the request's `test_every` skips (never on the last). */
  test_accuracy: z.number().min(0).max(1).nullable(),
  /** Mean training loss over the epoch's batches. */
  loss: z.number(),
  train_seconds: seconds,
  eval_seconds: seconds,
});

export const inferenceEventSchema = z.object({
  type: z.literal('inference'),
  split: z.enum(['test', 'train']),
  /** 0-based timed repetition; -1 for an untimed count (warm-up or the train split). */
  repetition: z.number().int().min(-1),
  seconds,
  correct: z.number().int().nonnegative(),
  n: z.number().int().positive(),
  /** sha256 of the float32 little-endian logits of the whole split, so repetitions and bindings can be compared. */
  logits_sha256: z.string().optional(),
  /** Path of the logits (safetensors `logits`, F32 [n, classes]) when the runner saved them. */
  logits_path: z.string().optional(),
});

export const artifactEventSchema = z.object({ type: z.literal('artifact'), format: artifactFormatSchema, path: z.string() });

export const endEventSchema = z.object({
  type: z.literal('end'),
  /** Sum of per-epoch training seconds (train mode), else 0. */
  train_seconds: seconds,
  wall_seconds: seconds,
  /** Optional: the framework's own peak device (GPU) memory in bytes over the run, where it keeps one (torch.cuda.max_memory_allocated, TensorFlow's get_memory_info peak). */
  peak_device_bytes: z.number().int().nonnegative().optional(),
});

export const errorEventSchema = z.object({
  type: z.literal('error'),
  /** not_supported: the binding cannot do this (its own message); nan_loss: training diverged; failed: anything else. */
  kind: z.enum(['not_supported', 'nan_loss', 'bad_request', 'failed']),
  message: z.string(),
});

export const logEventSchema = z.object({ type: z.literal('log'), message: z.string() });

export const runnerEventSchema = z.discriminatedUnion('type', [
  startEventSchema,
  stepEventSchema,
  epochEventSchema,
  inferenceEventSchema,
  artifactEventSchema,
  endEventSchema,
  errorEventSchema,
  logEventSchema,
]);
export type RunnerEvent = z.infer<typeof runnerEventSchema>;
export type StartEvent = z.infer<typeof startEventSchema>;
export type EpochEvent = z.infer<typeof epochEventSchema>;
export type InferenceEvent = z.infer<typeof inferenceEventSchema>;
export type ErrorEvent = z.infer<typeof errorEventSchema>;
