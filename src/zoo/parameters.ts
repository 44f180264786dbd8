/**
 * Canonical parameter names and layouts, derived from a model spec by shape inference.
 * Convolutions and dense layers follow PyTorch (conv OIHW, dense [out, in]) with a channel-major (C, H, W)
 * flatten; batch norms, embeddings and recurrent layers follow Keras (names and layouts, gate order included),
 * whatever the binding's native layout; each runner converts in one place. docs/models.md has the table.
 */
import type { Layer, ModelSpec } from './model-spec.js';

/** Keras's default initialiser of each parameter: what shared initial weights draw (src/weights/shared-init.ts). */
/**
 * `pretrained`: the value comes from the layer's pretrained package, loaded by each runner; a shared initial-weights
 * file holds zeros there (none of the other initialisers applies), and runners take those parameters from the package.
 */
export type Initializer = 'glorot_uniform' | 'orthogonal' | 'uniform_0.05' | 'zeros' | 'ones' | 'unit_forget_bias' | 'pretrained';

export interface CanonicalParameter {
  name: string;
  shape: number[];
  /** Fan-in and fan-out used by Glorot initialisation. */
  fanIn: number;
  fanOut: number;
  role: 'weight' | 'bias' | 'gamma' | 'beta' | 'moving_mean' | 'moving_variance' | 'embeddings' | 'recurrent_kernel';
  /** False for the batch norms' moving statistics, which the optimiser never updates. */
  trainable: boolean;
  init: Initializer;
}

const GATES = { lstm: 4, gru: 3 } as const;

function param(name: string, shape: number[], role: CanonicalParameter['role'], init: Initializer, fanIn = 0, fanOut = 0, trainable = true): CanonicalParameter {
  return { name, shape, fanIn, fanOut, role, trainable, init };
}

function layerParameters(layer: Layer, shape: number[]): { params: CanonicalParameter[]; out: number[] } {
  const where = `layer ${'name' in layer ? layer.name : layer.kind}`;
  switch (layer.kind) {
    case 'conv2d': {
      if (shape.length !== 3) throw new Error(`${where}: conv2d needs an (H, W, C) input, got [${shape.join(', ')}]`);
      const [h, w, c] = shape as [number, number, number];
      const k = layer.kernel;
      const fanIn = c * k * k;
      const fanOut = layer.filters * k * k;
      const params = [param(`${layer.name}.weight`, [layer.filters, c, k, k], 'weight', 'glorot_uniform', fanIn, fanOut)];
      if (layer.bias) params.push(param(`${layer.name}.bias`, [layer.filters], 'bias', 'zeros', fanIn, fanOut));
      return { params, out: layer.padding === 'same' ? [h, w, layer.filters] : [h - k + 1, w - k + 1, layer.filters] };
    }
    case 'maxpool2d': {
      const [h, w, c] = shape as [number, number, number];
      return { params: [], out: [Math.floor(h / layer.size), Math.floor(w / layer.size), c] };
    }
    case 'flatten':
      return { params: [], out: [shape.reduce((a, b) => a * b, 1)] };
    case 'dense': {
      if (shape.length !== 1) throw new Error(`${where}: dense needs a flat input (add a flatten), got [${shape.join(', ')}]`);
      const inputs = shape[0]!;
      const params = [param(`${layer.name}.weight`, [layer.units, inputs], 'weight', 'glorot_uniform', inputs, layer.units)];
      if (layer.bias) params.push(param(`${layer.name}.bias`, [layer.units], 'bias', 'zeros', inputs, layer.units));
      return { params, out: [layer.units] };
    }
    case 'batch_norm': {
      const c = shape[shape.length - 1]!;
      return {
        params: [
          param(`${layer.name}.gamma`, [c], 'gamma', 'ones'),
          param(`${layer.name}.beta`, [c], 'beta', 'zeros'),
          param(`${layer.name}.moving_mean`, [c], 'moving_mean', 'zeros', 0, 0, false),
          param(`${layer.name}.moving_variance`, [c], 'moving_variance', 'ones', 0, 0, false),
        ],
        out: shape,
      };
    }
    case 'activation':
    case 'dropout':
      return { params: [], out: shape };
    case 'embedding': {
      if (shape.length !== 1) throw new Error(`${where}: embedding needs a token sequence (T) input, got [${shape.join(', ')}]`);
      return { params: [param(`${layer.name}.embeddings`, [layer.vocab, layer.dim], 'embeddings', 'uniform_0.05')], out: [shape[0]!, layer.dim] };
    }
    case 'lstm':
    case 'gru': {
      if (shape.length !== 2) throw new Error(`${where}: ${layer.kind} needs a sequence (T, features) input, got [${shape.join(', ')}]`);
      const features = shape[1]!;
      const width = GATES[layer.kind] * layer.units;
      const twoBiases = layer.kind === 'gru' && layer.reset_after;
      return {
        params: [
          param(`${layer.name}.kernel`, [features, width], 'weight', 'glorot_uniform', features, width),
          param(`${layer.name}.recurrent_kernel`, [layer.units, width], 'recurrent_kernel', 'orthogonal', layer.units, width),
          param(`${layer.name}.bias`, twoBiases ? [2, width] : [width], 'bias', layer.kind === 'lstm' ? 'unit_forget_bias' : 'zeros', features, width),
        ],
        out: [layer.units],
      };
    }
    case 'bert':
      return { params: bertParameters(layer, shape), out: [layer.hidden] };
  }
}

/**
 * BERT's parameters under Hugging Face's BertModel names (so a BertModel checkpoint maps by prefixing `<name>.`),
 * in its module order. Dense weights are [out, in] like every canonical dense layer; LayerNorm `weight`/`bias` are its
 * scale and shift. Without a pretrained package each gets the Keras default of its kind, as shared init does elsewhere.
 */
function bertParameters(layer: Extract<Layer, { kind: 'bert' }>, shape: number[]): CanonicalParameter[] {
  const where = `layer ${layer.name}`;
  if (shape.length !== 1) throw new Error(`${where}: bert needs a token sequence (T) input, got [${shape.join(', ')}]`);
  if (shape[0]! > layer.max_position) throw new Error(`${where}: ${shape[0]} tokens exceed its ${layer.max_position} positions`);
  if (layer.hidden % layer.heads !== 0) throw new Error(`${where}: hidden size ${layer.hidden} is not a multiple of its ${layer.heads} heads`);
  const pre = layer.pretrained !== undefined;
  const h = layer.hidden;
  const out: CanonicalParameter[] = [];
  const embedding = (n: string, rows: number) => out.push(param(`${layer.name}.${n}.weight`, [rows, h], 'embeddings', pre ? 'pretrained' : 'uniform_0.05'));
  const norm = (n: string) => {
    out.push(param(`${layer.name}.${n}.weight`, [h], 'gamma', pre ? 'pretrained' : 'ones'));
    out.push(param(`${layer.name}.${n}.bias`, [h], 'beta', pre ? 'pretrained' : 'zeros'));
  };
  const dense = (n: string, inputs: number, units: number) => {
    out.push(param(`${layer.name}.${n}.weight`, [units, inputs], 'weight', pre ? 'pretrained' : 'glorot_uniform', inputs, units));
    out.push(param(`${layer.name}.${n}.bias`, [units], 'bias', pre ? 'pretrained' : 'zeros', inputs, units));
  };
  embedding('embeddings.word_embeddings', layer.vocab);
  embedding('embeddings.position_embeddings', layer.max_position);
  embedding('embeddings.token_type_embeddings', layer.type_vocab);
  norm('embeddings.LayerNorm');
  for (let i = 0; i < layer.layers; i++) {
    const l = `encoder.layer.${i}`;
    for (const qkv of ['query', 'key', 'value']) dense(`${l}.attention.self.${qkv}`, h, h);
    dense(`${l}.attention.output.dense`, h, h);
    norm(`${l}.attention.output.LayerNorm`);
    dense(`${l}.intermediate.dense`, h, layer.intermediate);
    dense(`${l}.output.dense`, layer.intermediate, h);
    norm(`${l}.output.LayerNorm`);
  }
  dense('pooler.dense', h, h);
  return out;
}

/** Walks the layers, tracking the activation shape ((H, W, C), (T), (T, F) or (F)), and lists every parameter in order. */
export function canonicalParameters(model: ModelSpec): CanonicalParameter[] {
  let shape = [...model.input_shape];
  const params: CanonicalParameter[] = [];
  for (const layer of model.layers) {
    const next = layerParameters(layer, shape);
    params.push(...next.params);
    shape = next.out;
  }
  return params;
}

const size = (p: CanonicalParameter) => p.shape.reduce((a, b) => a * b, 1);

/** Total number of parameters (trainable and not). */
export function parameterCount(model: ModelSpec): number {
  return canonicalParameters(model).reduce((n, p) => n + size(p), 0);
}

/** Parameters the optimiser updates (all but the batch norms' moving statistics). */
export function trainableParameterCount(model: ModelSpec): number {
  return canonicalParameters(model).reduce((n, p) => n + (p.trainable ? size(p) : 0), 0);
}
