/**
 * One zoo layer as a TensorFlow.js layer: which tf.layers factory, with which settings and initialisers. Settings
 * where tfjs's defaults differ from Keras's (and so from the canonical model) are set explicitly here.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from './backend.js';
import type { LayerSpec } from './protocol.js';
import { RunnerError } from './protocol.js';

/**
 * How the layers start. `native`: tfjs's initialisers set as Keras's defaults (Glorot-uniform kernels, orthogonal
 * recurrent kernels, uniform ±0.05 embeddings, zero biases, LSTM forget-gate bias 1). Those initialisers are the only
 * place tfjs takes a seed, one per initialiser: layer i gets `seed + i` so two layers of the same shape do not start
 * equal. `overwritten`: every weight is set from a file right after building, so the layers start at zeros rather
 * than paying for draws (tfjs's orthogonal initialiser runs a QR decomposition) that are thrown away.
 */
export type Init = 'native' | 'overwritten';

/** Why tfjs cannot build a layer, in its own terms; null when it can. */
export function unsupportedLayer(layer: LayerSpec): string | null {
  if (layer.kind === 'gru' && layer.reset_after) {
    // tfjs-layers 4.22 GRUCell: `if (args.resetAfter) throw new ValueError('GRUCell does not support reset_after parameter set to true.')`.
    return `TensorFlow.js has no GRU with reset_after=true (tf.layers.gru throws "GRUCell does not support reset_after parameter set to true"); its only GRU is the reset_after=false form (model gru-reset-before)`;
  }
  if (layer.kind === 'bert') return 'TensorFlow.js has no BERT layers (tf.layers has no transformer encoder), and the JS runner does not hand-write one';
  return null;
}

type Initializer = ReturnType<Tf['initializers']['zeros']> | 'zeros';

export interface Initializers {
  kernel: Initializer;
  recurrent: Initializer;
  embeddings: Initializer;
  /** Keras's unit_forget_bias: the LSTM's forget-gate biases start at 1. */
  forgetBias: boolean;
}

/** `seed` seeds the layer's kernel (as before recurrent layers existed), `otherSeed` its second draw. */
export function initializers(tf: Tf, init: Init, seed: number, otherSeed: number): Initializers {
  if (init === 'overwritten') return { kernel: 'zeros', recurrent: 'zeros', embeddings: 'zeros', forgetBias: false };
  return {
    kernel: tf.initializers.glorotUniform({ seed }),
    // Keras's recurrent default and tfjs's, but a seed must be passed for the draw to be reproducible.
    recurrent: tf.initializers.orthogonal({ seed: otherSeed, gain: 1 }),
    embeddings: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }),
    forgetBias: true,
  };
}

function nativeOr(value: number | 'native'): number | undefined {
  return value === 'native' ? undefined : value;
}

export function toLayer(tf: Tf, layer: LayerSpec, i: number, first: Record<string, unknown>, init: Initializers): TF.layers.Layer {
  switch (layer.kind) {
    case 'conv2d':
      return tf.layers.conv2d({
        ...first,
        name: layer.name,
        filters: layer.filters,
        kernelSize: layer.kernel,
        padding: layer.padding,
        activation: layer.activation,
        useBias: layer.bias,
        kernelInitializer: init.kernel,
        dataFormat: 'channelsLast',
      });
    case 'maxpool2d':
      return tf.layers.maxPooling2d({ ...first, poolSize: layer.size, strides: layer.size });
    case 'flatten':
      return tf.layers.flatten(first);
    case 'dense':
      return tf.layers.dense({ ...first, name: layer.name, units: layer.units, activation: layer.activation, useBias: layer.bias, kernelInitializer: init.kernel });
    case 'batch_norm':
      // tfjs's defaults (momentum 0.99, epsilon 1e-3) are Keras's, the `native` the zoo asks for.
      return tf.layers.batchNormalization({ ...first, name: layer.name, momentum: nativeOr(layer.momentum), epsilon: nativeOr(layer.epsilon), axis: -1 });
    case 'activation':
      return tf.layers.activation({ ...first, activation: layer.activation, name: `${layer.activation}${i}` });
    case 'dropout':
      // tfjs draws dropout masks without a seed; only training uses them (predict runs with training false).
      return tf.layers.dropout({ ...first, rate: layer.rate, name: `dropout${i}` });
    case 'embedding':
      return tf.layers.embedding({ ...first, name: layer.name, inputDim: layer.vocab, outputDim: layer.dim, embeddingsInitializer: init.embeddings });
    case 'lstm':
    case 'gru': {
      const recurrent = {
        ...first,
        name: layer.name,
        units: layer.units,
        // tfjs defaults the recurrent activation to hardSigmoid; Keras (and the canonical model) use the sigmoid.
        // `native` (the paper preset's layer defaults) leaves tfjs its own, as the study's tfjs script did.
        ...(layer.recurrent_activation === 'native' ? {} : { recurrentActivation: 'sigmoid' as const }),
        kernelInitializer: init.kernel,
        recurrentInitializer: init.recurrent,
      };
      return layer.kind === 'lstm' ? tf.layers.lstm({ ...recurrent, unitForgetBias: init.forgetBias }) : tf.layers.gru(recurrent);
    }
    default:
      throw new RunnerError('not_supported', `the JS runner does not build layer kind ${(layer as { kind: string }).kind}`);
  }
}

