/**
 * The load modes of the infer experiment and the artifact formats that carry a model in each: the one table the
 * planner, the spec and the analysis read, so a new format or mode is added here and nowhere else.
 */
import type { ArtifactFormat } from './request.js';

export interface LoadModeInfo {
  /** Formats that carry a model in this mode, in order of preference. */
  formats: ArtifactFormat[];
  /**
   * A framework-neutral export: bindings of the source's framework and the neutral runtimes load it. Its timings
   * measure a runtime rather than the binding, so they form a family of their own (`<framework>+<mode>`).
   */
  neutralExport: boolean;
  /**
   * The zoo's architecture with the canonical weights: the load every binding can make of any model, so the one
   * other loads' logits and times are compared with.
   */
  canonical: boolean;
  /**
   * A second framework format, reported apart from `serialization`: planned only for a target whose format here is
   * not the one it loads in `serialization` (otherwise the cell would repeat that load), and only when the source
   * writes it.
   */
  apartFromSerialization?: boolean;
}

export const LOAD_MODES = {
  /** The zoo architecture built natively, plus the canonical weights. */
  states: { formats: ['safetensors'], neutralExport: false, canonical: true },
  /**
   * The framework's own whole-model format, as the binding's users load one: TorchScript; TensorFlow.js's Layers
   * format (the Keras model converted, run by tfjs's own layers, as the study loaded it); a SavedModel elsewhere.
   */
  serialization: { formats: ['torchscript', 'tfjs-layers', 'savedmodel'], neutralExport: false, canonical: false },
  /**
   * The SavedModel in a binding whose `serialization` load is another format: tfjs-node runs its graph in
   * libtensorflow's kernels, not tfjs's layers, so its times say nothing about those.
   */
  savedmodel: { formats: ['savedmodel'], neutralExport: false, canonical: false, apartFromSerialization: true },
  onnx: { formats: ['onnx'], neutralExport: true, canonical: false },
} as const satisfies Record<string, LoadModeInfo>;

export type LoadMode = keyof typeof LOAD_MODES;

/** Every load mode, in the table's order (how plans and tables list them). */
export const LOAD_MODE_IDS = Object.keys(LOAD_MODES) as [LoadMode, ...LoadMode[]];

export function loadModeFormats(mode: LoadMode): readonly ArtifactFormat[] {
  return LOAD_MODES[mode].formats;
}

function info(mode: string | null): LoadModeInfo | null {
  return mode !== null && Object.hasOwn(LOAD_MODES, mode) ? LOAD_MODES[mode as LoadMode] : null;
}

/** Whether a mode loads the canonical weights (see `canonical`). */
export function isCanonicalLoad(mode: string | null): boolean {
  return info(mode)?.canonical ?? false;
}

/** The mode that loads the canonical weights. */
export const CANONICAL_LOAD_MODE = LOAD_MODE_IDS.find((m) => LOAD_MODES[m].canonical)!;

/** Whether a mode loads a framework's own serialized model (`serialization`, `savedmodel`), whose graph needs no zoo layers. */
export function isFrameworkSerialization(mode: string | null): boolean {
  const i = info(mode);
  return i !== null && !i.canonical && !i.neutralExport;
}

/** Whether a mode is reported apart from `serialization` (see `apartFromSerialization`). */
export function isApartFromSerialization(mode: string | null): boolean {
  return info(mode)?.apartFromSerialization ?? false;
}

/** Whether a mode's timings form their own family (see `neutralExport`); false for a mode this table does not know. */
export function isNeutralExport(mode: string | null): boolean {
  return info(mode)?.neutralExport ?? false;
}
