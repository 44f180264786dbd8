/**
 * One cell as three steps, so that where a cell runs is a choice: `prepareCell` (on the orchestrator: the run
 * directory, the request, the launch command), `executeJob` (wherever the cell runs: this machine, or a cluster node
 * through `bindbench run-cell`) and `finishJob` (the result, from the runner's events). A prepared cell is a
 * `CellJob`: plain JSON, so a node needs neither the plan nor the binding descriptors to run it.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { BindingDescriptor, LaunchCommand, ProbeResult } from '../bindings/binding.js';
import { threadEnvironment } from '../bindings/index.js';
import type { CachedFile, PreparedDataset } from '../data/cache.js';
import { prepareNaturalOrder, prepareSharedOrder } from '../data/shared-order.js';
import type { Home } from '../base/home.js';
import type { InferenceEvent, RunnerEvent } from '../protocol/events.js';
import type { RunnerRequest } from '../protocol/request.js';
import type { collectHostEnvironment } from '../store/environment.js';
import type { InferSourceResult, ResultStore, RunPaths, RunResultFile, RunSchedule, RunStart, StoredRun } from '../store/result-store.js';
import { summarizeRun, timePhases, type ExpectedEvents } from '../store/run-result.js';
import { prepareSharedInit } from '../weights/shared-init.js';
import { buildExportRequest, buildInferRequest, buildTrainRequest } from './build-request.js';
import { cellModel } from './cell-model.js';
import type { ExecuteOutcome, Executor } from './executors/executor.js';
import type { PlannedCell } from './plan.js';
import type { CampaignSpec } from './spec.js';

/** A prepared cell: everything needed to run it and record its result, as JSON. */
export interface CellJob {
  campaign: string;
  key: string;
  binding: string;
  paths: RunPaths;
  start: RunStart;
  /** environment.json as written before the run (the runner's start event and a cluster's facts are added to it). */
  environment: Record<string, unknown>;
  launch: LaunchCommand;
  cpus: number[] | null;
  timeoutSeconds: number;
  expected: ExpectedEvents;
  /** Result fields known before the run. */
  known: { data_source: string; data_caveat: string | null; schedule: RunSchedule; core_library: string | null };
  /** For an infer cell: what its source scored on the same test set (the target's counts come from its events). */
  source: Omit<InferSourceResult, 'target_correct' | 'train_correct'> | null;
}

export interface PrepareContext {
  home: Home;
  store: ResultStore;
  campaign: string;
  cell: PlannedCell;
  binding: BindingDescriptor;
  probe: ProbeResult;
  host: ReturnType<typeof collectHostEnvironment>;
  spec: CampaignSpec;
  schedule: RunSchedule;
  dataFor(datasetId: string): PreparedDataset;
}

/**
 * Opens the cell's run directory and writes its request; a cell that cannot run (not available, its source failed)
 * is finished here and returned as its result.
 */
export function prepareCell(ctx: PrepareContext): { job: CellJob } | { result: RunResultFile } {
  const { home, store, campaign, cell, binding, schedule } = ctx;
  const paths = store.beginRun(campaign, cell.key);
  const runId = `${campaign}/${cell.key}`;
  const model = cellModel(cell);
  const { skip, ...plainCell } = cell;
  const start: RunStart = { run_id: runId, campaign, cell: plainCell, framework: binding.framework, language: binding.language, started: new Date().toISOString(), data_source: '' };
  const environment = { host: ctx.host, binding: { id: binding.id, library: binding.library, probe: ctx.probe }, schedule };
  store.writeRunFile(paths, 'environment', environment);

  if (skip) return { result: store.finishRun(paths, start, { ...skip, schedule }) };

  const data = ctx.dataFor(model.dataset);
  const n = cell.trainLimit ? Math.min(cell.trainLimit, data.train.n) : data.train.n;
  const testN = cell.testLimit ? Math.min(cell.testLimit, data.test.n) : data.test.n;
  let sourceRun: StoredRun | null = null;
  let request: RunnerRequest;
  if ((cell.mode === 'infer' || cell.mode === 'convert') && cell.source) {
    sourceRun = store.readRun(campaign, cell.source.cellKey);
    const loaded = loadedArtifact(store, campaign, cell, sourceRun);
    if ('status' in loaded) return { result: store.finishRun(paths, start, { ...loaded, schedule }) };
    request =
      cell.mode === 'convert'
        ? buildExportRequest(cell, { runId, model, data, outputDir: paths.artifacts, weights: loaded })
        : buildInferRequest(cell, { runId, model, data, outputDir: paths.artifacts, weights: loaded, repetitions: ctx.spec.inference_repetitions });
  } else {
    request = buildTrainRequest(cell, {
      runId,
      model,
      data,
      order: orderFile(home, cell, n),
      initWeights: cell.init === 'shared' ? prepareSharedInit(home, model, cell.seed) : null,
      outputDir: paths.artifacts,
      recordStepLosses: ctx.spec.record_step_losses,
    });
  }
  if (schedule.threads !== null) request = { ...request, threads: schedule.threads };
  store.writeRunFile(paths, 'request', request);
  const launch = binding.launch(home, paths.request);
  const src = cell.source;
  return {
    job: {
      campaign,
      key: cell.key,
      binding: binding.id,
      paths,
      start,
      environment,
      launch: { ...launch, env: { ...launch.env, ...threadEnvironment(schedule.threads), ...(schedule.gpu !== null ? { CUDA_VISIBLE_DEVICES: schedule.gpu } : {}) } },
      cpus: schedule.cpus,
      timeoutSeconds: ctx.spec.timeout_seconds,
      expected: { mode: request.mode, epochs: request.hyper.epochs, artifacts: request.artifacts, repetitions: request.inference.repetitions },
      known: {
        data_source: `${data.source}${n < data.train.n ? `; first ${n} of ${data.train.n} training examples` : ''}${testN < data.test.n ? `; first ${testN} of ${data.test.n} test examples` : ''}`,
        data_caveat: data.caveat,
        schedule,
        core_library: binding.coreLibrary ?? null,
      },
      source:
        sourceRun && src && cell.mode === 'infer'
          ? {
              run_id: sourceRun.result.run_id,
              binding: src.binding,
              load_mode: src.loadMode,
              format: src.format,
              correct: sourceRun.result.final_test_accuracy === null ? null : Math.round(sourceRun.result.final_test_accuracy * testN),
            }
          : null,
    },
  };
}

/** Why this machine cannot start the job's runner (its program is missing here), or null when it can. */
export function jobUnrunnableHere(job: CellJob, where: string): string | null {
  const program = job.launch.command;
  if (!isAbsolute(program) || existsSync(program)) return null;
  return `the runner of ${job.binding} (${program}) is missing on ${where}: run \`bindbench setup --bindings ${job.binding}\` in a home this machine shares, then resume the campaign`;
}

export function executeJob(job: CellJob, executor: Executor, onEvent?: (event: RunnerEvent) => void): Promise<ExecuteOutcome> {
  return executor.execute({
    launch: job.launch,
    cpus: job.cpus,
    eventsFile: job.paths.events,
    stderrFile: job.paths.stderr,
    timeoutSeconds: job.timeoutSeconds,
    onEvent,
  });
}

/**
 * The run's result from what the runner said; result.json is written last. `index: false` on a cluster node: the
 * orchestrator indexes the run when the node's task ends (the index lives with the orchestrator).
 */
export function finishJob(store: ResultStore, job: CellJob, outcome: ExecuteOutcome, opts: { index?: boolean; environment?: Record<string, unknown> } = {}): RunResultFile {
  const { paths } = job;
  const summary = summarizeRun(outcome.events, outcome, job.expected);
  const environment = { ...job.environment, ...opts.environment };
  if (summary.start || opts.environment) store.writeRunFile(paths, 'environment', summary.start ? { ...environment, runner: summary.start } : environment);
  return store.finishRun(
    paths,
    job.start,
    {
      status: summary.status,
      reason: summary.reason,
      exit_code: outcome.exitCode,
      signal: outcome.signal,
      stderr_tail: summary.status === 'ok' ? '' : outcome.stderrTail,
      final_train_accuracy: summary.finalTrainAccuracy,
      final_test_accuracy: summary.finalTestAccuracy,
      train_seconds: summary.trainSeconds,
      wall_seconds: summary.wallSeconds,
      process_seconds: outcome.processSeconds,
      mean_inference_seconds: summary.meanInferenceSeconds,
      artifacts: Object.fromEntries(summary.artifacts.map((a) => [a.format, relative(paths.dir, a.path)])),
      data_source: job.known.data_source,
      data_caveat: job.known.data_caveat,
      source: job.source ? inferSourceFacts(job.source, summary.inferences) : null,
      schedule: job.known.schedule,
      peak_rss_bytes: outcome.memory?.peakRssBytes ?? null,
      peak_device_bytes: summary.peakDeviceBytes,
      phases: timePhases(outcome.events, outcome.eventTimes, outcome.processSeconds),
      core: coreOf(job.known.core_library, summary.start?.versions),
    },
    { index: opts.index ?? true },
  );
}

function coreOf(library: string | null | undefined, versions: Record<string, string> | undefined): RunResultFile['core'] {
  const version = library ? versions?.[library] : undefined;
  return library && version ? { library, version } : null;
}

/**
 * The artifact an infer or convert cell loads: the source run's own, or for a cross-framework serialization the one
 * a convert cell wrote (the source run is still what the load is judged against). When it is missing, why.
 */
function loadedArtifact(store: ResultStore, campaign: string, cell: PlannedCell, sourceRun: StoredRun | null): { format: PlannedCell['artifacts'][number]; path: string } | { status: 'not_available' | 'not_supported'; reason: string } {
  const src = cell.source!;
  const holderKey = src.via ?? src.cellKey;
  const holder = src.via ? store.readRun(campaign, src.via) : sourceRun;
  const artifact = holder?.result.artifacts[src.format];
  if (sourceRun && sourceRun.result.status === 'ok' && holder && holder.result.status === 'ok' && artifact) return { format: src.format, path: join(holder.paths.dir, artifact) };
  const missing = !sourceRun || sourceRun.result.status !== 'ok' ? { key: src.cellKey, run: sourceRun } : !holder || holder.result.status !== 'ok' ? { key: holderKey, run: holder } : null;
  if (!missing) return { status: 'not_supported', reason: `the run ${holderKey} wrote no ${src.format} artifact` };
  const what = missing.key === src.via ? 'conversion' : 'source';
  return { status: 'not_available', reason: `the ${what} run ${missing.key} has no complete result (${missing.run?.result.status ?? 'missing'}${missing.run?.result.reason ? `: ${missing.run.result.reason}` : ''})` };
}

/** What an infer cell loaded and what it and its source scored; the analysis judges reproduction from these. */
function inferSourceFacts(source: NonNullable<CellJob['source']>, inferences: InferenceEvent[]): InferSourceResult {
  const timed = inferences.filter((e) => e.split === 'test' && e.repetition >= 0);
  return { ...source, target_correct: timed[0]?.correct ?? null, train_correct: inferences.find((e) => e.split === 'train')?.correct ?? null };
}

/** The order file a training cell follows: none for the binding's own shuffle. */
function orderFile(home: Home, cell: PlannedCell, n: number): CachedFile | null {
  switch (cell.dataOrder) {
    case 'shared':
      return prepareSharedOrder(home, cell.seed, n, cell.hyper.epochs);
    case 'natural':
      return prepareNaturalOrder(home, n, cell.hyper.epochs);
    case 'native':
      return null;
  }
}
