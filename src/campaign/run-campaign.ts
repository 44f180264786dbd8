/**
 * Runs a campaign: prepare inputs once, then each cell in its own process, persisting each result before the
 * next cell starts. Progress goes out as typed events; this module prints nothing.
 */
import { join, relative } from 'node:path';
import type { BindingDescriptor, ProbeResult } from '../bindings/binding.js';
import { datasetTools } from '../bindings/index.js';
import { prepareDataset, type CachedFile, type PreparedDataset } from '../data/cache.js';
import { prepareNaturalOrder, prepareSharedOrder } from '../data/shared-order.js';
import { BadInputError } from '../base/errors.js';
import type { Home } from '../base/home.js';
import type { InferenceEvent, RunnerEvent } from '../protocol/events.js';
import { collectHostEnvironment } from '../store/environment.js';
import { DamagedFileError } from '../store/json-file.js';
import { ResultStore, type InferSourceResult, type RunResultFile, type RunStart, type StoredRun } from '../store/result-store.js';
import { summarizeRun } from '../store/run-result.js';
import { prepareSharedInit } from '../weights/shared-init.js';
import { cellModel } from './cell-model.js';
import { buildExportRequest, buildInferRequest, buildTrainRequest } from './build-request.js';
import type { RunnerRequest } from '../protocol/request.js';
import { LocalExecutor } from './executors/local.js';
import type { Executor } from './executors/executor.js';
import { planCampaign, type PlannedCell } from './plan.js';
import type { CampaignSpec } from './spec.js';

export type CampaignEvent =
  | { type: 'planned'; campaign: string; cells: PlannedCell[]; toRun: number }
  | { type: 'cell-start'; cell: PlannedCell; index: number; total: number }
  | { type: 'cell-event'; cell: PlannedCell; event: RunnerEvent }
  | { type: 'cell-end'; cell: PlannedCell; result: RunResultFile; index: number; total: number }
  | { type: 'cell-skipped'; cell: PlannedCell; reason: 'complete' };

export interface CampaignOptions {
  home: Home;
  spec: CampaignSpec;
  bindings: BindingDescriptor[];
  /** Campaign id to create, or (with resume) to continue. */
  id?: string;
  resume?: boolean;
  executor?: Executor;
  onEvent?(event: CampaignEvent): void;
  /** Plan and prepare nothing; return the plan only. */
  dryRun?: boolean;
}

export interface CampaignOutcome {
  id: string;
  dir: string;
  cells: PlannedCell[];
  results: RunResultFile[];
  failed: number;
  /** Complete runs that are not in the index yet: another process held it locked to the end (`runs reindex` adds them). */
  unindexed?: number;
}

export function newCampaignId(spec: CampaignSpec, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return spec.name ?? `${spec.preset}-${stamp}`;
}

/** The spec a campaign was started with, for `--resume`. */
export function readCampaignSpec(home: Home, id: string): CampaignSpec {
  const spec = ResultStore.with(home.store, (store) => store.readCampaign(id).spec) as (CampaignSpec & { importer?: string }) | null;
  if (!spec || typeof spec !== 'object' || typeof spec.preset !== 'string' || !Array.isArray(spec.seeds)) {
    const how = spec && typeof spec === 'object' && spec.importer ? `was imported by ${spec.importer}` : 'has no bindbench run spec';
    throw new BadInputError(`campaign ${id} ${how}: there is nothing to resume (its runs were not made by \`bindbench run\`); start a campaign of your own with \`bindbench run\``);
  }
  return spec;
}

export async function probeAll(bindings: BindingDescriptor[], home: Home): Promise<Map<string, ProbeResult>> {
  const out = new Map<string, ProbeResult>();
  await Promise.all(bindings.map(async (b) => out.set(b.id, await b.probe(home))));
  return out;
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignOutcome> {
  const { home, spec, bindings } = opts;
  const probes = await probeAll(bindings, home);
  const installed = new Set([...probes].filter(([, p]) => p.installed).map(([id]) => id));
  const cells = planCampaign(spec, bindings, installed);
  const id = opts.id ?? newCampaignId(spec);
  const store = ResultStore.open(home.store);
  try {
    const dir = store.campaignDir(id);
    if (!opts.resume && store.hasCampaign(id)) {
      throw new BadInputError(`campaign '${id}' already exists: continue it with \`bindbench run --resume ${id}\` or choose another name`);
    }
    const complete = (cell: PlannedCell): RunResultFile | null => {
      let run: StoredRun | null;
      try {
        run = store.readRun(id, cell.key);
      } catch (e) {
        // A run whose files are damaged is not complete: it runs again, and its directory is moved aside.
        if (e instanceof DamagedFileError) return null;
        throw e;
      }
      return run && run.result.status !== 'failed' && !run.damaged ? run.result : null;
    };
    const toRun = cells.filter((c) => !opts.resume || !complete(c));
    opts.onEvent?.({ type: 'planned', campaign: id, cells, toRun: toRun.length });
    if (opts.dryRun) return { id, dir, cells, results: [], failed: 0 };
    if (cells.length === 0) throw new BadInputError('the campaign has no cells: no binding is installed (run `bindbench setup`) or the spec selects none');
    // Every dataset a cell to run needs is prepared (and its checksums verified) before the campaign exists, so a
    // damaged data cache stops the run with nothing written rather than leaving an empty campaign behind.
    const tools = datasetTools(bindings);
    const datasets = new Map<string, PreparedDataset>();
    const dataFor = (datasetId: string): PreparedDataset => {
      let d = datasets.get(datasetId);
      if (!d) datasets.set(datasetId, (d = prepareDataset(home, datasetId, { dataDir: spec.data_dir ?? undefined, tools })));
      return d;
    };
    for (const cell of toRun) if (!cell.skip) dataFor(cellModel(cell).dataset);
    const release = store.lockCampaign(id);
    try {
      store.createCampaign(id, spec);
      const results = await runCells({ ...opts, store, id, cells, probes, complete, total: toRun.length, dataFor });
      return { id, dir, cells, results, failed: results.filter((r) => r.status === 'failed').length, unindexed: store.indexPending() };
    } finally {
      release();
    }
  } finally {
    store.close();
  }
}

interface CellsContext extends CampaignOptions {
  store: ResultStore;
  id: string;
  cells: PlannedCell[];
  probes: Map<string, ProbeResult>;
  complete(cell: PlannedCell): RunResultFile | null;
  total: number;
  dataFor(datasetId: string): PreparedDataset;
}

/** The campaign loop: each cell in turn, its result stored and indexed before the next one starts. */
async function runCells(opts: CellsContext): Promise<RunResultFile[]> {
  const { home, spec, bindings, store, id, cells, probes, dataFor } = opts;
  const host = collectHostEnvironment();
  const executor = opts.executor ?? new LocalExecutor();
  const results: RunResultFile[] = [];
  let index = 0;
  for (const cell of cells) {
    const done = opts.resume ? opts.complete(cell) : null;
    if (done) {
      results.push(done);
      opts.onEvent?.({ type: 'cell-skipped', cell, reason: 'complete' });
      continue;
    }
    index++;
    opts.onEvent?.({ type: 'cell-start', cell, index, total: opts.total });
    const binding = bindings.find((b) => b.id === cell.binding)!;
    const result = await runCell({ home, store, campaign: id, cell, binding, probe: probes.get(binding.id)!, host, spec, executor, dataFor, onEvent: opts.onEvent });
    results.push(result);
    opts.onEvent?.({ type: 'cell-end', cell, result, index, total: opts.total });
  }
  return results;
}

interface CellContext {
  home: Home;
  store: ResultStore;
  campaign: string;
  cell: PlannedCell;
  binding: BindingDescriptor;
  probe: ProbeResult;
  host: ReturnType<typeof collectHostEnvironment>;
  spec: CampaignSpec;
  executor: Executor;
  dataFor(datasetId: string): PreparedDataset;
  onEvent?: CampaignOptions['onEvent'];
}

async function runCell(ctx: CellContext): Promise<RunResultFile> {
  const { home, store, campaign, cell, binding } = ctx;
  const paths = store.beginRun(campaign, cell.key);
  const runId = `${campaign}/${cell.key}`;
  const model = cellModel(cell);
  const { skip, ...plainCell } = cell;
  const start: RunStart = { run_id: runId, campaign, cell: plainCell, framework: binding.framework, language: binding.language, started: new Date().toISOString(), data_source: '' };
  const environment = { host: ctx.host, binding: { id: binding.id, library: binding.library, probe: ctx.probe } };
  store.writeRunFile(paths, 'environment', environment);

  if (skip) return store.finishRun(paths, start, skip);

  const data = ctx.dataFor(model.dataset);
  const n = cell.trainLimit ? Math.min(cell.trainLimit, data.train.n) : data.train.n;
  const testN = cell.testLimit ? Math.min(cell.testLimit, data.test.n) : data.test.n;
  let sourceRun: StoredRun | null = null;
  let request: RunnerRequest;
  if ((cell.mode === 'infer' || cell.mode === 'convert') && cell.source) {
    sourceRun = store.readRun(campaign, cell.source.cellKey);
    const loaded = loadedArtifact(store, campaign, cell, sourceRun);
    if ('status' in loaded) return store.finishRun(paths, start, loaded);
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
  store.writeRunFile(paths, 'request', request);
  const outcome = await ctx.executor.execute({
    launch: binding.launch(home, paths.request),
    eventsFile: paths.events,
    stderrFile: paths.stderr,
    timeoutSeconds: ctx.spec.timeout_seconds,
    onEvent: (event) => ctx.onEvent?.({ type: 'cell-event', cell, event }),
  });
  const summary = summarizeRun(outcome.events, outcome, { mode: request.mode, epochs: request.hyper.epochs, artifacts: request.artifacts, repetitions: request.inference.repetitions });
  if (summary.start) store.writeRunFile(paths, 'environment', { ...environment, runner: summary.start });
  return store.finishRun(paths, start, {
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
    data_source: `${data.source}${n < data.train.n ? `; first ${n} of ${data.train.n} training examples` : ''}${testN < data.test.n ? `; first ${testN} of ${data.test.n} test examples` : ''}`,
    data_caveat: data.caveat,
    source: sourceRun && cell.source && cell.mode === 'infer' ? inferSourceFacts(cell, sourceRun, summary.inferences, testN) : null,
  });
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
function inferSourceFacts(cell: PlannedCell, sourceRun: StoredRun, inferences: InferenceEvent[], testN: number): InferSourceResult {
  const src = cell.source!;
  const acc = sourceRun.result.final_test_accuracy;
  const timed = inferences.filter((e) => e.split === 'test' && e.repetition >= 0);
  return {
    run_id: sourceRun.result.run_id,
    binding: src.binding,
    load_mode: src.loadMode,
    format: src.format,
    correct: acc === null ? null : Math.round(acc * testN),
    target_correct: timed[0]?.correct ?? null,
    train_correct: inferences.find((e) => e.split === 'train')?.correct ?? null,
  };
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

