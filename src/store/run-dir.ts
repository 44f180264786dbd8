/**
 * Run directories: `<store>/runs/<campaign>/<cell key>/` holds request.json, events.jsonl, stderr.log,
 * environment.json, artifacts/ and, written last and atomically, result.json. A directory without result.json
 * is an incomplete run and is never read as a result. Rerunning a cell moves the previous attempt to
 * `<campaign>/.attempts/` first, so nothing is lost.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { RunnerRequest } from '../protocol/request.js';
import { parseEvents } from '../protocol/read-events.js';
import type { RunnerEvent } from '../protocol/events.js';
import { writeJsonAtomic } from './atomic.js';
import type { RunStatus } from './run-result.js';
import type { Cell } from '../campaign/cell.js';

export const RESULT_FILE = 'result.json';

/** Written last; its presence means the run is complete (whatever its status). */
export interface RunResultFile {
  run_id: string;
  campaign: string;
  cell: Cell;
  framework: string;
  language: string;
  status: RunStatus;
  reason: string | null;
  exit_code: number | null;
  signal: string | null;
  stderr_tail: string;
  started: string;
  finished: string;
  final_train_accuracy: number | null;
  final_test_accuracy: number | null;
  train_seconds: number | null;
  wall_seconds: number | null;
  /** Wall seconds of the runner process as the orchestrator saw it (start-up included). */
  process_seconds: number;
  mean_inference_seconds: number | null;
  /** Artifacts by format, paths relative to the run directory. */
  artifacts: Record<string, string>;
  /** Describes the data the run used (e.g. which MNIST copy, subset). */
  data_source: string;
  /** For cross-binding inference: the run whose model was loaded, how, and what it scored. */
  source?: InferSourceResult | null;
}

/** What a cross-binding inference cell found, against the model it loaded (the study's RQ2 criteria). */
export interface InferSourceResult {
  run_id: string;
  binding: string;
  load_mode: string;
  format: string;
  /** The source's own correct count on the test set (its last evaluation). */
  correct: number | null;
  /** The target's correct count on the test set (first timed repetition). */
  target_correct: number | null;
  /** The study's criterion: the same number of correctly classified test samples. */
  reproduced: boolean | null;
  /** All timed repetitions gave identical logits. */
  stable: boolean | null;
  /** Largest |logit difference| against the source binding loading its own weights, when both logits exist. */
  max_abs_logit_diff: number | null;
  train_correct: number | null;
}

export interface RunPaths {
  dir: string;
  request: string;
  events: string;
  stderr: string;
  environment: string;
  result: string;
  artifacts: string;
}

export function runPaths(store: string, campaign: string, key: string): RunPaths {
  const dir = join(store, 'runs', campaign, key);
  return {
    dir,
    request: join(dir, 'request.json'),
    events: join(dir, 'events.jsonl'),
    stderr: join(dir, 'stderr.log'),
    environment: join(dir, 'environment.json'),
    result: join(dir, RESULT_FILE),
    artifacts: join(dir, 'artifacts'),
  };
}

/** Prepares a fresh directory for a cell, moving any earlier attempt aside. */
export function beginRunDir(store: string, campaign: string, key: string): RunPaths {
  const paths = runPaths(store, campaign, key);
  if (existsSync(paths.dir)) {
    const attempts = join(store, 'runs', campaign, '.attempts');
    mkdirSync(attempts, { recursive: true });
    renameSync(paths.dir, join(attempts, `${key}--${new Date().toISOString().replace(/[:.]/g, '-')}`));
  }
  mkdirSync(paths.artifacts, { recursive: true });
  return paths;
}

export function writeResult(paths: RunPaths, result: RunResultFile): void {
  writeJsonAtomic(paths.result, result);
}

export interface StoredRun {
  paths: RunPaths;
  result: RunResultFile;
  request: RunnerRequest | null;
  events: RunnerEvent[];
}

/** Reads a complete run; null when the directory holds no result (incomplete). */
export function readRunDir(paths: RunPaths): StoredRun | null {
  if (!existsSync(paths.result)) return null;
  const result = JSON.parse(readFileSync(paths.result, 'utf8')) as RunResultFile;
  const request = existsSync(paths.request) ? (JSON.parse(readFileSync(paths.request, 'utf8')) as RunnerRequest) : null;
  let events: RunnerEvent[] = [];
  if (existsSync(paths.events)) {
    try {
      events = parseEvents(readFileSync(paths.events, 'utf8'));
    } catch {
      // A run that failed on a bad line keeps the line for the reader; the result already says why.
      events = [];
    }
  }
  return { paths, result, request, events };
}

/** Every campaign id in the store. */
export function listCampaignIds(store: string): string[] {
  const root = join(store, 'runs');
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

/** Every cell directory of a campaign, complete or not. */
export function listRunKeys(store: string, campaign: string): string[] {
  const root = join(store, 'runs', campaign);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}
