/**
 * Models are data: a model is a list of layers that every runner builds with its own native layers.
 * Parameter names are `<layer name>.<param>`; layouts are fixed by `canonicalParameters` (see docs/models.md).
 */
import { z } from 'zod';

export const activationSchema = z.enum(['linear', 'tanh', 'relu', 'sigmoid']);
export type Activation = z.infer<typeof activationSchema>;

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
]);
export type Layer = z.infer<typeof layerSchema>;

export const modelSpecSchema = z.object({
  /** Zoo id, also the CLI value and store key. */
  id: z.string(),
  title: z.string(),
  /** Dataset id in the data registry. */
  dataset: z.string(),
  /** Input shape of one example, channels last (H, W, C), as the canonical data cache stores it. */
  input_shape: z.array(z.number().int().positive()),
  /** Output: `classes` logits, trained with softmax cross-entropy. */
  classes: z.number().int().positive(),
  layers: z.array(layerSchema),
});
export type ModelSpec = z.infer<typeof modelSpecSchema>;
