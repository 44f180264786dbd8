/**
 * Builds a zoo model (layers as data) with TensorFlow.js's own layers (layers.ts), channels last as tfjs is, and
 * moves canonical weights in and out of it through layout.ts.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from './backend.js';
import { parameterLayouts, toCanonical, toNative, nativeShape } from './layout.js';
import { inputKind } from './data.js';
import { initializers, toLayer, unsupportedLayer, type Init } from './layers.js';
import type { ModelSpec } from './protocol.js';
import { RunnerError } from './protocol.js';
import type { Tensor } from './safetensors.js';

export { unsupportedLayer, type Init };

/**
 * The zoo model as a tf.sequential; token ids enter through an int32 input layer. A layer tfjs cannot build is
 * refused as not_supported before anything is built.
 */
export function buildModel(tf: Tf, spec: ModelSpec, seed: number, init: Init = 'native'): TF.Sequential {
  for (const layer of spec.layers) {
    const why = unsupportedLayer(layer);
    if (why) throw new RunnerError('not_supported', `model ${spec.id}: ${why}`);
  }
  const model = tf.sequential({ name: spec.id });
  // Token ids enter as int32, as the cache holds them. An input layer carries that dtype: given to the embedding
  // itself, `dtype` would also make its embeddings int32.
  const tokens = inputKind(spec).tokens;
  if (tokens) model.add(tf.layers.inputLayer({ inputShape: spec.input_shape, dtype: 'int32', name: 'x' }));
  const n = spec.layers.length;
  spec.layers.forEach((layer, i) => {
    const first = i === 0 && !tokens ? { inputShape: spec.input_shape } : {};
    model.add(toLayer(tf, layer, i, first, initializers(tf, init, seed + i, seed + n + i)));
  });
  return model;
}

/** The tfjs variable `<layer>/<weight>` (tfjs may append `_<n>` to keep variable names unique in a process). */
function layerWeight(model: TF.LayersModel, layerName: string, weight: string): TF.LayerVariable {
  let layer: TF.layers.Layer;
  try {
    layer = model.getLayer(layerName);
  } catch {
    throw new RunnerError('bad_request', `the loaded model has no layer named ${layerName}, which the zoo model needs`);
  }
  const pattern = new RegExp(`(^|/)${weight}(_\\d+)?$`);
  const found = layer.weights.find((w) => pattern.test(w.originalName) || pattern.test(w.name));
  if (!found) throw new RunnerError('bad_request', `layer ${layerName} has no weight ${weight} (it has ${layer.weights.map((w) => w.name).join(', ') || 'none'})`);
  return found;
}

/** Sets every parameter from canonical tensors (names and layouts of docs/models.md). */
export function setCanonicalWeights(tf: Tf, model: TF.LayersModel, spec: ModelSpec, tensors: Record<string, Tensor>, source: string): void {
  for (const p of parameterLayouts(spec)) {
    const t = tensors[p.name];
    if (!t) throw new RunnerError('bad_request', `${source} has no tensor ${p.name}`);
    if (t.dtype !== 'F32') throw new RunnerError('bad_request', `${source}: ${p.name} is ${t.dtype}, expected F32`);
    if (t.shape.join(',') !== p.canonicalShape.join(',')) {
      throw new RunnerError('bad_request', `${source}: ${p.name} has shape [${t.shape.join(', ')}], the model needs [${p.canonicalShape.join(', ')}]`);
    }
    const variable = layerWeight(model, p.layer, p.weight);
    const value = tf.tensor(toNative(p, t.data as Float32Array), nativeShape(p), 'float32');
    variable.write(value);
    value.dispose();
  }
}

/** Reads every parameter back in canonical names and layouts. */
export function getCanonicalWeights(model: TF.LayersModel, spec: ModelSpec): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const p of parameterLayouts(spec)) {
    const variable = layerWeight(model, p.layer, p.weight);
    if (variable.shape.join(',') !== nativeShape(p).join(',')) {
      throw new RunnerError('bad_request', `layer ${p.layer}: ${p.weight} has shape [${variable.shape.join(', ')}], the zoo model needs [${nativeShape(p).join(', ')}]`);
    }
    const native = variable.read().dataSync() as Float32Array;
    out[p.name] = { dtype: 'F32', shape: [...p.canonicalShape], data: toCanonical(p, native) };
  }
  return out;
}
