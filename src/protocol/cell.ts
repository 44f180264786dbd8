/**
 * One unit of work: a model trained (or a model loaded) in one binding, with one seed, on one device. A `convert`
 * cell carries a trained model into another framework: that framework's reference binding loads the canonical
 * weights and writes the framework's own serialized format for the other bindings of its framework to load.
 */
import type { Hyper, ArtifactFormat } from './request.js';
import type { LoadMode } from './load-modes.js';

export type { LoadMode };

export type TrainingStyle = 'minimal' | 'idiomatic';
export const TRAINING_STYLES: readonly TrainingStyle[] = ['minimal', 'idiomatic'];

/**
 * The order a training cell takes its examples in: `shared` (the orchestrator's seeded permutation per epoch, the
 * same for every binding), `native` (the binding's own seeded shuffle) or `natural` (the dataset's own order every
 * epoch, no shuffle). A runner is sent `natural` as a shared order whose rows are 0..n-1, so it needs no mode of its
 * own. A campaign's `study` order is not a cell's: the planner turns it into each binding's own (see
 * BindingCapabilities.studyDataOrder).
 */
export type DataOrder = 'shared' | 'native' | 'natural';

export interface Cell {
  /** Unique within a campaign; the run directory's name. */
  key: string;
  model: string;
  binding: string;
  seed: number;
  device: 'cpu' | 'cuda';
  mode: 'train' | 'infer' | 'convert';
  hyper: Hyper;
  trainLimit: number | null;
  /** First n test examples in evaluation and inference; absent (cells planned before it existed) or null = all. */
  testLimit?: number | null;
  /**
   * Batch size of a training cell's per-epoch evaluations (the request's `inference.batch_size`); absent (cells
   * planned before it existed) = the larger of the training batch and 1000.
   */
  evalBatchSize?: number;
  /** Evaluate the test set after every k-th epoch and the last (the request's `test_every`); absent = every epoch. */
  testEvery?: number;
  dataOrder: DataOrder;
  /** How the binding trains (see the request's `style`); absent in cells planned before it existed = `minimal`. */
  style?: TrainingStyle;
  init: 'shared' | 'native';
  /** Deterministic kernels where the binding can switch them (the request's `deterministic`); absent = on. */
  deterministic?: boolean;
  /** The campaign's layer defaults (src/zoo/layer-defaults.ts); absent = `zoo`. */
  layerDefaults?: 'native' | 'aligned';
  artifacts: ArtifactFormat[];
  /** Infer and convert cells: the trained model this cell loads, and how. */
  source?: InferSource;
}


export interface InferSource {
  /** Binding and cell key of the training run whose model is loaded. */
  binding: string;
  cellKey: string;
  loadMode: LoadMode;
  format: ArtifactFormat;
  /**
   * Cross-framework inference: the key of the convert cell whose artifact (in `format`) is loaded instead of the
   * source run's own. Reproduction is still judged against the source run.
   */
  via?: string;
}

/** `lenet5--tensorflow-js--s287426343--cpu`: readable, unique, safe as a file name. */
export function cellKey(c: Pick<Cell, 'model' | 'binding' | 'seed' | 'device' | 'mode' | 'source' | 'style'>): string {
  // Minimal cells keep the keys they had before the style axis existed.
  const base = `${c.model}--${c.binding.replace(/\//g, '-')}--s${c.seed}--${c.device}${c.style === 'idiomatic' ? '--idiomatic' : ''}`;
  if (c.mode === 'train') return base;
  if (c.mode === 'convert' && c.source) return `${base}--convert-from-${c.source.binding.replace(/\//g, '-')}`;
  return c.source ? `${base}--infer-${c.source.loadMode}-from-${c.source.binding.replace(/\//g, '-')}` : `${base}--${c.mode}`;
}
