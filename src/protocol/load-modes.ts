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
}

export const LOAD_MODES = {
  /** The zoo architecture built natively, plus the canonical weights. */
  states: { formats: ['safetensors'], neutralExport: false, canonical: true },
  /** The framework's own whole-model format. */
  serialization: { formats: ['torchscript', 'savedmodel', 'tfjs-layers'], neutralExport: false, canonical: false },
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

/** Whether a mode's timings form their own family (see `neutralExport`); false for a mode this table does not know. */
export function isNeutralExport(mode: string | null): boolean {
  return info(mode)?.neutralExport ?? false;
}
