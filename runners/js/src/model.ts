/**
 * Builds a zoo model (layers as data) with TensorFlow.js's own layers, channels last as tfjs is, and moves
 * canonical weights in and out of it through layout.ts.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from './backend.js';
import { parameterLayouts, toCanonical, toNative, nativeShape } from './layout.js';
import type { ModelSpec } from './protocol.js';
import { RunnerError } from './protocol.js';
import type { Tensor } from './safetensors.js';

/**
 * With init `native` the layers keep tfjs's defaults (Glorot-uniform kernels, zero biases, as Keras). Those
 * initialisers are the only place tfjs takes a seed, one per initialiser: layer i gets `seed + i` so two layers of
 * the same shape do not start equal.
 */
export function buildModel(tf: Tf, spec: ModelSpec, seed: number): TF.Sequential {
  const model = tf.sequential({ name: spec.id });
  spec.layers.forEach((layer, i) => {
    const first = i === 0 ? { inputShape: spec.input_shape } : {};
    const kernelInitializer = tf.initializers.glorotUniform({ seed: seed + i });
    switch (layer.kind) {
      case 'conv2d':
        model.add(
          tf.layers.conv2d({
            ...first,
            name: layer.name,
            filters: layer.filters,
            kernelSize: layer.kernel,
            padding: layer.padding,
            activation: layer.activation,
            useBias: layer.bias,
            kernelInitializer,
            dataFormat: 'channelsLast',
          }),
        );
        break;
      case 'maxpool2d':
        model.add(tf.layers.maxPooling2d({ ...first, poolSize: layer.size, strides: layer.size }));
        break;
      case 'flatten':
        model.add(tf.layers.flatten(first));
        break;
      case 'dense':
        model.add(tf.layers.dense({ ...first, name: layer.name, units: layer.units, activation: layer.activation, useBias: layer.bias, kernelInitializer }));
        break;
      default:
        throw new RunnerError('not_supported', `the JS runner does not build layer kind ${(layer as { kind: string }).kind}`);
    }
  });
  return model;
}

/** tfjs keeps [kernel, bias] per layer; the canonical list names them `<layer>.weight`, `<layer>.bias`. */
function layerWeight(model: TF.LayersModel, layerName: string, role: string): TF.LayerVariable {
  let layer: TF.layers.Layer;
  try {
    layer = model.getLayer(layerName);
  } catch {
    throw new RunnerError('bad_request', `the loaded model has no layer named ${layerName}, which the zoo model needs`);
  }
  const weights = layer.weights;
  const w = role === 'bias' ? weights[1] : weights[0];
  if (!w) throw new RunnerError('bad_request', `layer ${layerName} has no ${role === 'bias' ? 'bias' : 'kernel'}`);
  return w;
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
    const variable = layerWeight(model, p.layer, p.role);
    const value = tf.tensor(toNative(p, t.data as Float32Array), nativeShape(p), 'float32');
    variable.write(value);
    value.dispose();
  }
}

/** Reads every parameter back in canonical names and layouts. */
export function getCanonicalWeights(model: TF.LayersModel, spec: ModelSpec): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const p of parameterLayouts(spec)) {
    const variable = layerWeight(model, p.layer, p.role);
    if (variable.shape.join(',') !== nativeShape(p).join(',')) {
      throw new RunnerError('bad_request', `layer ${p.layer}: ${p.role} has shape [${variable.shape.join(', ')}], the zoo model needs [${nativeShape(p).join(', ')}]`);
    }
    const native = variable.read().dataSync() as Float32Array;
    out[p.name] = { dtype: 'F32', shape: [...p.canonicalShape], data: toCanonical(p, native) };
  }
  return out;
}
