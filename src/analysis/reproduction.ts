/**
 * The study's reproduction criteria for one cross-binding load, judged from the facts the run recorded: the same
 * number of correctly classified test samples as the source model (reproduced), and the same result on every timed
 * pass (stable). A verdict the data's own source recorded (an imported study's flag) is kept as it is.
 */
import type { RunRecord } from '../store/queries.js';

export interface ReproductionVerdict {
  reproduced: boolean | null;
  stable: boolean | null;
}

type Facts = Pick<RunRecord, 'sourceCorrect' | 'targetCorrect' | 'reproduced' | 'stable' | 'recordedVerdicts' | 'timedPasses'>;

export function reproductionOf(run: Facts): ReproductionVerdict {
  if (run.recordedVerdicts) return { reproduced: run.reproduced, stable: run.stable };
  const passes = run.timedPasses;
  const hashes = passes.map((p) => p.logitsSha256);
  // A runner that keeps no logits hash is judged on its correct counts alone.
  const stable = passes.length === 0 ? null : passes.every((p) => p.correct === passes[0]!.correct) && (hashes.every((h) => h === null) || new Set(hashes).size === 1);
  const reproduced = run.targetCorrect !== null && run.sourceCorrect !== null ? run.targetCorrect === run.sourceCorrect : null;
  return { reproduced, stable };
}

/** Largest |difference| between two logit tensors, or null when either is missing or their shapes differ. */
export function maxAbsLogitDiff(a: Float32Array | null, b: Float32Array | null): number | null {
  if (!a || !b || a.length !== b.length) return null;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
