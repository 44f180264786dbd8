/**
 * Layer settings each framework has its own default for (batch-norm momentum and epsilon, a recurrent layer's gate
 * activation), as a campaign wants them: `zoo`, as the zoo writes each model (batch norms native, gates sigmoid);
 * `native`, every such setting left to the binding, as the study's scripts did; `aligned`, every one fixed to
 * Keras's value, so all bindings compute the same layers.
 */
import type { Layer, ModelSpec } from './model-spec.js';

export type LayerDefaults = 'zoo' | 'native' | 'aligned';
export const LAYER_DEFAULTS: readonly LayerDefaults[] = ['zoo', 'native', 'aligned'];

/** Keras's batch-norm defaults, the values `aligned` gives every binding. */
const KERAS_BATCH_NORM = { momentum: 0.99, epsilon: 1e-3 } as const;

/** The model with its binding-defaulted settings as `defaults` asks; `zoo` returns it unchanged. */
export function withLayerDefaults(model: ModelSpec, defaults: LayerDefaults): ModelSpec {
  if (defaults === 'zoo') return model;
  return { ...model, layers: model.layers.map((layer) => layerWith(layer, defaults)) };
}

function layerWith(layer: Layer, defaults: 'native' | 'aligned'): Layer {
  switch (layer.kind) {
    case 'batch_norm':
      return defaults === 'native' ? { ...layer, momentum: 'native', epsilon: 'native' } : { ...layer, ...KERAS_BATCH_NORM };
    case 'lstm':
    case 'gru':
      return { ...layer, recurrent_activation: defaults === 'native' ? 'native' : 'sigmoid' };
    default:
      return layer;
  }
}
