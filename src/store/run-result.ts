/**
 * What a finished cell amounts to, derived from its events and how its process ended. Pure: the executor and the
 * index rebuild both call it, so a run reads the same whether it was just run or read back from disk.
 */
import type { ArtifactFormat } from '../protocol/request.js';
import type { EpochEvent, InferenceEvent, RunnerEvent, StartEvent } from '../protocol/events.js';

/** not_available: the binding is not installed here (the campaign still shows the cell). */
export type RunStatus = 'ok' | 'failed' | 'not_supported' | 'not_available';

export interface ProcessEnd {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** A line the protocol reader rejected, if any. */
  protocolError?: string;
  /** The process could not be started at all. */
  spawnError?: string;
  stderrTail: string;
}

export interface RunSummary {
  status: RunStatus;
  /** Why it failed or is not supported; null when ok. */
  reason: string | null;
  start: StartEvent | null;
  epochs: EpochEvent[];
  inferences: InferenceEvent[];
  stepLosses: number[];
  artifacts: Array<{ format: ArtifactFormat; path: string }>;
  finalTrainAccuracy: number | null;
  finalTestAccuracy: number | null;
  /** Sum of per-epoch training seconds, evaluation excluded (the study's training time). */
  trainSeconds: number | null;
  /** The runner's own wall time, from its end event. */
  wallSeconds: number | null;
  /** Mean of the timed test-set repetitions (the study's per-model inference time). */
  meanInferenceSeconds: number | null;
}

/** What the request asked of the runner: a run that ends cleanly without all of it did not finish its conversation. */
export interface ExpectedEvents {
  mode: 'train' | 'infer' | 'export';
  epochs: number;
  artifacts: readonly string[];
  repetitions: number;
}

/** Why an ok-looking event stream is not a complete protocol conversation for the request; null when it is. */
export function incompleteConversation(events: RunnerEvent[], expected: ExpectedEvents): string | null {
  if (!events.some((e) => e.type === 'start')) return 'the runner sent no start event';
  if (expected.mode === 'train') {
    const got = events.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : []));
    const want = Array.from({ length: expected.epochs }, (_, i) => i + 1);
    if (got.length !== want.length || got.some((x, i) => x !== want[i])) return `the runner reported epochs [${got.join(', ')}] of the ${expected.epochs} asked for`;
  }
  if (expected.mode === 'infer') {
    const timed = events.filter((e) => e.type === 'inference' && e.split === 'test' && e.repetition >= 0).length;
    if (timed !== expected.repetitions) return `the runner reported ${timed} of the ${expected.repetitions} timed passes over the test set asked for`;
  }
  const written = new Set<string>(events.flatMap((e) => (e.type === 'artifact' ? [e.format] : [])));
  const missing = expected.artifacts.filter((f) => !written.has(f));
  if (missing.length) return `the runner wrote no ${missing.join(', ')} artifact, which the request asked for`;
  return null;
}

export function summarizeRun(events: RunnerEvent[], end: ProcessEnd, expected?: ExpectedEvents): RunSummary {
  const start = (events.find((e) => e.type === 'start') as StartEvent | undefined) ?? null;
  const epochs = events.filter((e): e is EpochEvent => e.type === 'epoch');
  const inferences = events.filter((e): e is InferenceEvent => e.type === 'inference');
  const stepLosses = events.flatMap((e) => (e.type === 'step' ? [e.loss] : []));
  const artifacts = events.flatMap((e) => (e.type === 'artifact' ? [{ format: e.format, path: e.path }] : []));
  const error = events.find((e) => e.type === 'error');
  const endEvent = events.find((e) => e.type === 'end');
  const last = epochs.at(-1);
  const timed = inferences.filter((e) => e.split === 'test' && e.repetition >= 0);

  let status: RunStatus = 'ok';
  let reason: string | null = null;
  if (error?.type === 'error' && error.kind === 'not_supported') {
    status = 'not_supported';
    reason = error.message;
  } else if (end.spawnError) {
    status = 'failed';
    reason = `runner could not be started: ${end.spawnError}`;
  } else if (end.timedOut) {
    status = 'failed';
    reason = 'timed out (killed by the orchestrator)';
  } else if (end.protocolError) {
    status = 'failed';
    reason = end.protocolError;
  } else if (error?.type === 'error') {
    status = 'failed';
    reason = error.kind === 'nan_loss' ? `NaN loss: ${error.message}` : `${error.kind}: ${error.message}`;
  } else if (end.signal) {
    status = 'failed';
    reason = `runner killed by signal ${end.signal}`;
  } else if (end.exitCode !== 0) {
    status = 'failed';
    reason = `runner exited with status ${end.exitCode}`;
  } else if (!endEvent) {
    status = 'failed';
    reason = 'runner exited without an end event';
  } else if (expected) {
    const gap = incompleteConversation(events, expected);
    if (gap) {
      status = 'failed';
      reason = `incomplete: ${gap}`;
    }
  }

  return {
    status,
    reason,
    start,
    epochs,
    inferences,
    stepLosses,
    artifacts,
    finalTrainAccuracy: last?.train_accuracy ?? null,
    finalTestAccuracy: last?.test_accuracy ?? null,
    trainSeconds: epochs.length ? epochs.reduce((s, e) => s + e.train_seconds, 0) : null,
    wallSeconds: endEvent?.type === 'end' ? endEvent.wall_seconds : null,
    meanInferenceSeconds: timed.length ? timed.reduce((s, e) => s + e.seconds, 0) / timed.length : null,
  };
}
