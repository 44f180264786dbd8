/**
 * Hyper-parameter presets as data. `paper` is the study's settings; `quick` cuts epochs and the training subset
 * so the README demo finishes in minutes on a 2-core CPU, still on real data.
 */
import type { Hyper } from '../protocol/request.js';

export interface ModelPreset {
  hyper: Hyper;
  /** First n training examples, or null for all. */
  trainLimit: number | null;
}

export interface Preset {
  id: string;
  description: string;
  /** Models a campaign with this preset runs when the spec names none. */
  models: string[];
  perModel: Record<string, ModelPreset>;
  /** Per-cell timeout when the spec sets none. */
  timeoutSeconds: number;
}

const lenetPaper: ModelPreset = {
  hyper: { epochs: 200, batch_size: 128, optimizer: { name: 'sgd', learning_rate: 0.05 }, loss: 'sparse_categorical_crossentropy' },
  trainLimit: null,
};

const lenetQuick: ModelPreset = {
  hyper: { ...lenetPaper.hyper, epochs: 2 },
  trainLimit: 12000,
};

export const presets: Readonly<Record<string, Preset>> = {
  paper: {
    id: 'paper',
    description: "the study's settings: LeNet-1/LeNet-5 200 epochs, batch 128, SGD lr 0.05, full MNIST",
    models: ['lenet1', 'lenet5'],
    perModel: { lenet1: lenetPaper, lenet5: lenetPaper },
    timeoutSeconds: 6 * 3600,
  },
  quick: {
    id: 'quick',
    description: 'a short real-data campaign: LeNet-1/LeNet-5 2 epochs on the first 12,000 MNIST training images, full test set',
    models: ['lenet1', 'lenet5'],
    perModel: { lenet1: lenetQuick, lenet5: lenetQuick },
    timeoutSeconds: 600,
  },
};

/** The study's five seeds, one per run index 0-4. */
export const STUDY_SEEDS = [287426343, 1850616268, 2068338201, 1202616822, 868822724];
