/** The model zoo: every architecture bindbench knows, as data. */
import type { ModelSpec } from './model-spec.js';

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

/** Every model, by id. The only list of models. */
export const models: Readonly<Record<string, ModelSpec>> = { lenet1, lenet5 };
