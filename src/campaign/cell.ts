/** One unit of work: a model trained (or a model loaded) in one binding, with one seed, on one device. */
import type { Hyper, ArtifactFormat } from '../protocol/request.js';

export interface Cell {
  /** Unique within a campaign; the run directory's name. */
  key: string;
  model: string;
  binding: string;
  seed: number;
  device: 'cpu' | 'cuda';
  mode: 'train' | 'infer';
  hyper: Hyper;
  trainLimit: number | null;
  dataOrder: 'shared' | 'native';
  init: 'shared' | 'native';
  artifacts: ArtifactFormat[];
}

/** `lenet5--tensorflow-js--s287426343--cpu`: readable, unique, safe as a file name. */
export function cellKey(c: Pick<Cell, 'model' | 'binding' | 'seed' | 'device' | 'mode'>): string {
  const base = `${c.model}--${c.binding.replace(/\//g, '-')}--s${c.seed}--${c.device}`;
  return c.mode === 'train' ? base : `${base}--${c.mode}`;
}
