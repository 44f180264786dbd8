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
import { writeJsonAtomic } from '../base/atomic-file.js';
import { readJsonFile } from './json-file.js';
import { checkStoreName } from './store-ids.js';
import { campaignDir } from './campaign-file.js';
import type { RunStatus, TimePhases } from './run-result.js';
import type { Cell } from '../protocol/cell.js';

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
  /** How that data differs from the study's dataset (a stand-in); absent or null when it does not. */
  data_caveat?: string | null;
  /** For cross-binding inference: the run whose model was loaded, how, and what it scored. */
  source?: InferSourceResult | null;
  /** How the campaign scheduled the cell; absent (runs made before it was recorded) or null: serial, every core. */
  schedule?: RunSchedule | null;
  /** Peak resident memory of the runner's whole process tree, in bytes; null where it could not be observed. */
  peak_rss_bytes?: number | null;
  /** The framework's own peak device (GPU) memory, in bytes, as the runner reported it; null on the CPU. */
  peak_device_bytes?: number | null;
  /** Where the process time went (see TimePhases); null when the runner never started. */
  phases?: TimePhases | null;
  /**
   * The framework's native core the runner ran (e.g. `{library: 'libtorch', version: '2.7.1'}`), from its start event;
   * absent or null where the binding names none or the runner never started.
   */
  core?: { library: string; version: string } | null;
}

/** What a run's timing depended on besides the binding: how many cells ran beside it, and on which CPUs. */
export interface RunSchedule {
  /** How many cells the campaign ran at once. */
  parallel: number;
  /** The CPUs the runner's process tree was pinned to; null: not pinned (every core, as the study timed). */
  cpus: number[] | null;
  /** Intra- and inter-op threads the framework was asked to use; null: its default. */
  threads: number | null;
  /** CUDA_VISIBLE_DEVICES given to a cuda cell that ran beside others; null otherwise. */
  gpu: string | null;
  /** The cluster scheduler that placed the cell (`slurm`: `parallel` is the array's limit); absent: this machine. */
  cluster?: string | null;
}

/**
 * The schedule as one comparable label: runs with different labels are never timed against each other. Which GPU a
 * cell got is not part of it (the devices of one machine are alike); the number of cores is.
 */
export function scheduleLabel(s: RunSchedule | null | undefined): string {
  // Cluster nodes are other machines: their times are never compared with this machine's.
  if (s?.cluster) return `${s.cluster}, up to ${s.parallel} at once${s.threads ? ` on ${s.threads} core${s.threads === 1 ? '' : 's'} each` : ''}`;
  if (!s || (s.parallel <= 1 && !s.cpus)) return 'serial';
  const cores = s.cpus ? `${s.cpus.length} core${s.cpus.length === 1 ? '' : 's'}` : 'unpinned';
  return s.parallel <= 1 ? `serial on ${cores}` : `${s.parallel} parallel on ${cores} each`;
}

/**
 * What a cross-binding inference cell loaded and scored: facts only. Whether it reproduced the source is the
 * analysis' verdict, computed from these and the run's timed passes.
 */
export interface InferSourceResult {
  run_id: string;
  binding: string;
  load_mode: string;
  format: string;
  /** The source's own correct count on the test set (its last evaluation). */
  correct: number | null;
  /** The target's correct count on the test set (first timed repetition). */
  target_correct: number | null;
  train_correct: number | null;
  /**
   * Verdicts recorded by whoever wrote the result: an imported study's own flags (null where it recorded none), or
   * a bindbench from before the analysis computed them. Absent in results bindbench writes now.
   */
  reproduced?: boolean | null;
  stable?: boolean | null;
  /** Recorded by a bindbench from before the analysis computed it. */
  max_abs_logit_diff?: number | null;
}

/** Who and what a run is, known before it runs. */
export type RunStart = Pick<RunResultFile, 'run_id' | 'campaign' | 'cell' | 'framework' | 'language' | 'started' | 'data_source'>;

/** How a run ended: its status and whatever it measured; what is left out was not measured. */
export type RunOutcome = Pick<RunResultFile, 'status' | 'reason'> &
  Partial<Omit<RunResultFile, 'status' | 'reason' | keyof RunStart>> &
  Partial<Pick<RunResultFile, 'data_source' | 'data_caveat'>>;

/** The one place a result is assembled: the campaign, skipped cells and importers all go through it. */
export function runResult(start: RunStart, outcome: RunOutcome): RunResultFile {
  return {
    ...start,
    exit_code: null,
    signal: null,
    stderr_tail: '',
    finished: new Date().toISOString(),
    final_train_accuracy: null,
    final_test_accuracy: null,
    train_seconds: null,
    wall_seconds: null,
    process_seconds: 0,
    mean_inference_seconds: null,
    artifacts: {},
    ...outcome,
  };
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
  const dir = join(campaignDir(store, campaign), checkStoreName('run', key));
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
    const attempts = join(campaignDir(store, campaign), '.attempts');
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
  /** An ok run whose events.jsonl is missing or no longer parses: what is wrong (verify reports it). */
  damaged?: string;
}

/** Reads a complete run; null when the directory holds no result (incomplete). */
export function readRunDir(paths: RunPaths): StoredRun | null {
  if (!existsSync(paths.result)) return null;
  const action = `rerun the cell (\`bindbench run --resume\` reruns a run whose files are damaged), or move ${paths.dir} out of the store and run \`bindbench runs reindex\``;
  const result = readJsonFile<RunResultFile>(paths.result, action);
  const request = existsSync(paths.request) ? readJsonFile<RunnerRequest>(paths.request, action) : null;
  let events: RunnerEvent[] = [];
  let damaged: string | undefined;
  if (existsSync(paths.events)) {
    try {
      events = parseEvents(readFileSync(paths.events, 'utf8'));
    } catch (e) {
      // A run that failed on a bad line keeps the line for the reader; the result already says why. An ok run's
      // events were whole when it finished, so a bad line now is damage the store must report.
      events = [];
      if (result.status === 'ok') damaged = `${paths.events} cannot be read (${(e as Error).message})`;
    }
  } else if (result.status === 'ok') damaged = `${paths.events} is missing`;
  // An ok run ended its conversation with `end`; without it the stream was cut after the run finished.
  if (!damaged && result.status === 'ok' && !events.some((e) => e.type === 'end')) damaged = `${paths.events} has no end event (cut short)`;
  return { paths, result, request, events, ...(damaged ? { damaged } : {}) };
}

/** A run's environment.json, or null when it has none or it cannot be parsed (readers show it as missing). */
export function readRunEnvironment(paths: RunPaths): unknown {
  if (!existsSync(paths.environment)) return null;
  try {
    return JSON.parse(readFileSync(paths.environment, 'utf8')) as unknown;
  } catch {
    return null;
  }
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
  const root = campaignDir(store, campaign);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}
