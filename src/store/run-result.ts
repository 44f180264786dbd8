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
  /** The framework's peak device memory, from the end event, where the runner reported one. */
  peakDeviceBytes: number | null;
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
    peakDeviceBytes: endEvent?.type === 'end' ? (endEvent.peak_device_bytes ?? null) : null,
  };
}

/**
 * Where a run's process time went, in seconds. The runner measures training and evaluation itself; the rest is read
 * from when its events reached the orchestrator, so every runner is broken down the same way without reporting more:
 * - startup: spawn to the `start` event (interpreter or runtime, framework import, device set-up);
 * - loading: `start` to the first piece of work (data loading and model building), less that work's own time;
 * - training and evaluation: the runner's per-epoch training and evaluation seconds, and its inference passes;
 * - export: the last epoch or pass to the last artifact (exports written after training);
 * - other: what is left of the process time (between-epoch overhead, shutdown).
 */
export interface TimePhases {
  startup: number;
  loading: number;
  training: number;
  evaluation: number;
  export: number;
  other: number;
}

export const TIME_PHASES: ReadonlyArray<keyof TimePhases> = ['startup', 'loading', 'training', 'evaluation', 'export', 'other'];

const nonNegative = (x: number) => Math.max(0, x);

/** Null when the runner never started (nothing to break down) or the arrival times do not match the events. */
export function timePhases(events: readonly RunnerEvent[], eventTimes: readonly number[], processSeconds: number): TimePhases | null {
  if (events.length !== eventTimes.length) return null;
  const startAt = events.findIndex((e) => e.type === 'start');
  if (startAt < 0) return null;
  const startup = eventTimes[startAt]!;
  const workSeconds = (e: RunnerEvent) => (e.type === 'epoch' ? e.train_seconds + e.eval_seconds : e.type === 'inference' ? e.seconds : 0);
  const firstWork = events.findIndex((e) => e.type === 'epoch' || e.type === 'inference');
  let lastWork = -1;
  events.forEach((e, i) => {
    if (e.type === 'epoch' || e.type === 'inference') lastWork = i;
  });
  let lastArtifact = -1;
  events.forEach((e, i) => {
    if (e.type === 'artifact') lastArtifact = i;
  });
  const firstArtifact = events.findIndex((e) => e.type === 'artifact');
  // Without epochs or passes (an export), loading runs up to the first artifact's start: the export is what follows.
  const loadingEnd = firstWork >= 0 ? eventTimes[firstWork]! - workSeconds(events[firstWork]!) : firstArtifact >= 0 ? eventTimes[firstArtifact]! : startup;
  const loading = nonNegative(loadingEnd - startup);
  const training = events.reduce((s, e) => s + (e.type === 'epoch' ? e.train_seconds : 0), 0);
  const evaluation = events.reduce((s, e) => s + (e.type === 'epoch' ? e.eval_seconds : e.type === 'inference' ? e.seconds : 0), 0);
  const exportFrom = lastWork >= 0 ? eventTimes[lastWork]! : loadingEnd;
  const exported = lastArtifact >= 0 ? nonNegative(eventTimes[lastArtifact]! - exportFrom) : 0;
  const other = nonNegative(processSeconds - startup - loading - training - evaluation - exported);
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return { startup: round(startup), loading: round(loading), training: round(training), evaluation: round(evaluation), export: round(exported), other: round(other) };
}
