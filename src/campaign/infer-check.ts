/**
 * The study's reproduction checks for one inference cell: same correct count as the source model, stable logits
 * over repetitions, and how far the logits are from the source binding's own.
 */
import { existsSync } from 'node:fs';
import type { InferenceEvent } from '../protocol/events.js';
import { readSafetensors } from '../weights/safetensors.js';

export interface InferCheck {
  target_correct: number | null;
  train_correct: number | null;
  reproduced: boolean | null;
  stable: boolean | null;
}

export function checkInference(inferences: InferenceEvent[], sourceCorrect: number | null): InferCheck {
  const timed = inferences.filter((e) => e.split === 'test' && e.repetition >= 0);
  const train = inferences.find((e) => e.split === 'train');
  const first = timed[0];
  const hashes = timed.map((e) => e.logits_sha256 ?? null);
  const stable = timed.length === 0 ? null : timed.every((e) => e.correct === first!.correct) && (hashes.every((h) => h === null) || new Set(hashes).size === 1);
  return {
    target_correct: first?.correct ?? null,
    train_correct: train?.correct ?? null,
    reproduced: first && sourceCorrect !== null ? first.correct === sourceCorrect : null,
    stable,
  };
}

/** Largest absolute difference between two logits files (safetensors `logits`), or null if either is missing. */
export function maxAbsLogitDiff(a: string | undefined, b: string | undefined): number | null {
  if (!a || !b || !existsSync(a) || !existsSync(b)) return null;
  const x = readSafetensors(a).tensors.logits?.data as Float32Array | undefined;
  const y = readSafetensors(b).tensors.logits?.data as Float32Array | undefined;
  if (!x || !y || x.length !== y.length) return null;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}
