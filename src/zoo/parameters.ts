/**
 * Canonical parameter names and layouts, derived from a model spec by shape inference.
 * Layouts follow PyTorch (conv OIHW, dense [out, in]) and a flatten is channel-major (C, H, W), whatever the
 * binding's native layout; each runner converts in one place.
 */
import type { ModelSpec } from './model-spec.js';

export interface CanonicalParameter {
  name: string;
  shape: number[];
  /** Fan-in and fan-out used by Glorot initialisation. */
  fanIn: number;
  fanOut: number;
  role: 'weight' | 'bias';
}

/** Walks the layers, tracking the (H, W, C) activation shape, and lists every parameter in order. */
export function canonicalParameters(model: ModelSpec): CanonicalParameter[] {
  let shape = [...model.input_shape];
  const params: CanonicalParameter[] = [];
  for (const layer of model.layers) {
    switch (layer.kind) {
      case 'conv2d': {
        const [h, w, c] = shape as [number, number, number];
        const k = layer.kernel;
        params.push({
          name: `${layer.name}.weight`,
          shape: [layer.filters, c, k, k],
          fanIn: c * k * k,
          fanOut: layer.filters * k * k,
          role: 'weight',
        });
        if (layer.bias) params.push({ name: `${layer.name}.bias`, shape: [layer.filters], fanIn: c * k * k, fanOut: layer.filters * k * k, role: 'bias' });
        shape = layer.padding === 'same' ? [h, w, layer.filters] : [h - k + 1, w - k + 1, layer.filters];
        break;
      }
      case 'maxpool2d': {
        const [h, w, c] = shape as [number, number, number];
        shape = [Math.floor(h / layer.size), Math.floor(w / layer.size), c];
        break;
      }
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'dense': {
        const inputs = shape.reduce((a, b) => a * b, 1);
        params.push({ name: `${layer.name}.weight`, shape: [layer.units, inputs], fanIn: inputs, fanOut: layer.units, role: 'weight' });
        if (layer.bias) params.push({ name: `${layer.name}.bias`, shape: [layer.units], fanIn: inputs, fanOut: layer.units, role: 'bias' });
        shape = [layer.units];
        break;
      }
    }
  }
  return params;
}

/** Total number of parameters (trainable and not). */
export function parameterCount(model: ModelSpec): number {
  return canonicalParameters(model).reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
}
