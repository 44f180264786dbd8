/**
 * The one place where canonical parameter layouts (docs/models.md: conv OIHW, dense [out, in], flatten channel-major
 * C·H·W) meet TensorFlow.js's own (conv kernel [kh, kw, in, out], dense kernel [in, out], flatten H·W·C).
 * Batch norms, embeddings and LSTM/GRU weights are canonical in Keras's names, layouts and gate order (LSTM i|f|c|o,
 * GRU z|r|h), which tfjs-layers shares, so they pass through unchanged.
 * Pure index arithmetic on Float32Arrays: exact, backend-independent, and testable without tfjs.
 */
import type { ModelSpec } from './protocol.js';

/** `weight` is the name tfjs gives the variable inside its layer (`<layer>/<weight>`). */
interface Common {
  name: string;
  layer: string;
  weight: string;
}

export type ParameterLayout =
  | (Common & { role: 'conv-kernel'; canonicalShape: [number, number, number, number] })
  /** `flattenedFrom` is the (H, W, C) a flatten turned into this dense layer's input, or null. */
  | (Common & { role: 'dense-kernel'; canonicalShape: [number, number]; flattenedFrom: [number, number, number] | null })
  | (Common & { role: 'bias'; canonicalShape: [number] })
  /** Same layout in both: batch-norm statistics, embeddings, recurrent kernels and biases. */
  | (Common & { role: 'same'; canonicalShape: number[] });

const GATES = { lstm: 4, gru: 3 } as const;

function same(layer: string, weight: string, canonicalShape: number[]): ParameterLayout {
  return { name: `${layer}.${weight}`, layer, weight, role: 'same', canonicalShape };
}

/** Walks the spec tracking the (H, W, C) activation shape, as the zoo's canonicalParameters does, in the same order. */
export function parameterLayouts(model: ModelSpec): ParameterLayout[] {
  let shape: number[] = [...model.input_shape];
  let flattenedFrom: [number, number, number] | null = null;
  const out: ParameterLayout[] = [];
  for (const layer of model.layers) {
    switch (layer.kind) {
      case 'conv2d': {
        const [h, w, c] = shape as [number, number, number];
        const k = layer.kernel;
        out.push({ name: `${layer.name}.weight`, layer: layer.name, weight: 'kernel', role: 'conv-kernel', canonicalShape: [layer.filters, c, k, k] });
        if (layer.bias) out.push({ name: `${layer.name}.bias`, layer: layer.name, weight: 'bias', role: 'bias', canonicalShape: [layer.filters] });
        shape = layer.padding === 'same' ? [h, w, layer.filters] : [h - k + 1, w - k + 1, layer.filters];
        break;
      }
      case 'maxpool2d': {
        const [h, w, c] = shape as [number, number, number];
        shape = [Math.floor(h / layer.size), Math.floor(w / layer.size), c];
        break;
      }
      case 'flatten':
        flattenedFrom = shape.length === 3 ? (shape as [number, number, number]) : null;
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'dense': {
        const inputs = shape.reduce((a, b) => a * b, 1);
        out.push({ name: `${layer.name}.weight`, layer: layer.name, weight: 'kernel', role: 'dense-kernel', canonicalShape: [layer.units, inputs], flattenedFrom });
        if (layer.bias) out.push({ name: `${layer.name}.bias`, layer: layer.name, weight: 'bias', role: 'bias', canonicalShape: [layer.units] });
        flattenedFrom = null;
        shape = [layer.units];
        break;
      }
      case 'batch_norm': {
        const c = shape[shape.length - 1]!;
        for (const stat of ['gamma', 'beta', 'moving_mean', 'moving_variance']) out.push(same(layer.name, stat, [c]));
        break;
      }
      case 'activation':
      case 'dropout':
        break;
      case 'embedding':
        out.push(same(layer.name, 'embeddings', [layer.vocab, layer.dim]));
        shape = [shape[0]!, layer.dim];
        break;
      case 'lstm':
      case 'gru': {
        const width = GATES[layer.kind] * layer.units;
        const twoBiases = layer.kind === 'gru' && layer.reset_after;
        out.push(same(layer.name, 'kernel', [shape[shape.length - 1]!, width]));
        out.push(same(layer.name, 'recurrent_kernel', [layer.units, width]));
        out.push(same(layer.name, 'bias', twoBiases ? [2, width] : [width]));
        shape = [layer.units];
        break;
      }
    }
  }
  return out;
}

/** Shape of the parameter as tfjs keeps it. */
export function nativeShape(p: ParameterLayout): number[] {
  switch (p.role) {
    case 'conv-kernel': {
      const [o, i, kh, kw] = p.canonicalShape;
      return [kh, kw, i, o];
    }
    case 'dense-kernel': {
      const [o, i] = p.canonicalShape;
      return [i, o];
    }
    case 'bias':
    case 'same':
      return [...p.canonicalShape];
  }
}

/** Index of the dense input `j` (canonical, channel-major) in tfjs's channels-last flatten. */
function flattenIndex(j: number, from: [number, number, number] | null): number {
  if (!from) return j;
  const [h, w, c] = from;
  const ch = Math.floor(j / (h * w));
  const rest = j % (h * w);
  const y = Math.floor(rest / w);
  const x = rest % w;
  return y * w * c + x * c + ch;
}

function checkLength(p: ParameterLayout, shape: number[], data: Float32Array): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new Error(`parameter ${p.name}: expected ${n} values for shape [${shape.join(', ')}], got ${data.length}`);
}

/**
 * Calls `visit(canonicalIndex, nativeIndex)` once per value. Both directions walk this one mapping, one scattering
 * and one gathering, so toNative and toCanonical stay exact inverses by construction.
 */
function forEachIndexPair(p: ParameterLayout, visit: (canonicalIndex: number, nativeIndex: number) => void): void {
  switch (p.role) {
    case 'conv-kernel': {
      const [o, i, kh, kw] = p.canonicalShape;
      for (let a = 0; a < o; a++)
        for (let b = 0; b < i; b++)
          for (let y = 0; y < kh; y++)
            for (let x = 0; x < kw; x++) visit(((a * i + b) * kh + y) * kw + x, ((y * kw + x) * i + b) * o + a);
      return;
    }
    case 'dense-kernel': {
      const [o, i] = p.canonicalShape;
      for (let a = 0; a < o; a++)
        for (let j = 0; j < i; j++) visit(a * i + j, flattenIndex(j, p.flattenedFrom) * o + a);
      return;
    }
    case 'bias':
    case 'same': {
      const n = p.canonicalShape.reduce((a, b) => a * b, 1);
      for (let k = 0; k < n; k++) visit(k, k);
      return;
    }
  }
}

/** Canonical values -> tfjs layout. */
export function toNative(p: ParameterLayout, canonical: Float32Array): Float32Array {
  return permute(p, canonical, true);
}

/** tfjs layout -> canonical values; the exact inverse of toNative. */
export function toCanonical(p: ParameterLayout, native: Float32Array): Float32Array {
  return permute(p, native, false);
}

function permute(p: ParameterLayout, input: Float32Array, toNative: boolean): Float32Array {
  checkLength(p, p.canonicalShape, input);
  const out = new Float32Array(input.length);
  if (toNative) forEachIndexPair(p, (c, n) => { out[n] = input[c]!; });
  else forEachIndexPair(p, (c, n) => { out[c] = input[n]!; });
  return out;
}
