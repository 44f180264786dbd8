/**
 * Runs a campaign: prepare inputs once, then each cell in its own process, persisting each result before the
 * next cell starts. Progress goes out as typed events; this module prints nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BindingDescriptor, ProbeResult } from '../bindings/binding.js';
import { prepareDataset, type PreparedDataset } from '../data/cache.js';
import { prepareSharedOrder } from '../data/shared-order.js';
import { BadInputError } from '../errors.js';
import type { Home } from '../home.js';
import type { InferenceEvent, RunnerEvent } from '../protocol/events.js';
import { writeJsonAtomic } from '../store/atomic.js';
import { collectHostEnvironment } from '../store/environment.js';
import { indexCampaign, indexRun, openIndex } from '../store/index-db.js';
import { beginRunDir, readRunDir, runPaths, writeResult, type InferSourceResult, type RunPaths, type RunResultFile, type StoredRun } from '../store/run-dir.js';
import { summarizeRun } from '../store/run-result.js';
import { prepareSharedInit } from '../weights/shared-init.js';
import { models as zooModels } from '../zoo/models.js';
import { buildExportRequest, buildInferRequest, buildTrainRequest } from './build-request.js';
import { cellKey } from './cell.js';
import { checkInference, maxAbsLogitDiff } from './infer-check.js';
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
}

interface CampaignFile {
  id: string;
  created: string;
  spec: CampaignSpec;
}

export function newCampaignId(spec: CampaignSpec, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return spec.name ?? `${spec.preset}-${stamp}`;
}

/** The spec a campaign was started with, for `--resume`. */
export function readCampaignSpec(home: Home, id: string): CampaignSpec {
  const path = join(home.store, 'runs', id, 'campaign.json');
  if (!existsSync(path)) throw new BadInputError(`no campaign '${id}' in ${home.store}: \`bindbench runs list\` shows the campaigns`);
  return (JSON.parse(readFileSync(path, 'utf8')) as CampaignFile).spec;
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
  const dir = join(home.store, 'runs', id);
  if (!opts.resume && existsSync(join(dir, 'campaign.json'))) {
    throw new BadInputError(`campaign '${id}' already exists: continue it with \`bindbench run --resume ${id}\` or choose another name`);
  }
  const complete = (cell: PlannedCell): RunResultFile | null => {
    const run = readRunDir(runPaths(home.store, id, cell.key));
    return run && run.result.status !== 'failed' ? run.result : null;
  };
  const toRun = cells.filter((c) => !opts.resume || !complete(c));
  opts.onEvent?.({ type: 'planned', campaign: id, cells, toRun: toRun.length });
  if (opts.dryRun) return { id, dir, cells, results: [], failed: 0 };
  if (cells.length === 0) throw new BadInputError('the campaign has no cells: no binding is installed (run `bindbench setup`) or the spec selects none');

  const created = new Date().toISOString();
  if (!existsSync(join(dir, 'campaign.json'))) writeJsonAtomic(join(dir, 'campaign.json'), { id, created, spec } satisfies CampaignFile);
  const db = openIndex(home.store);
  indexCampaign(db, id, created, spec);

  // Inputs are prepared once and shared by every cell that needs them.
  const datasets = new Map<string, PreparedDataset>();
  const dataFor = (datasetId: string): PreparedDataset => {
    let d = datasets.get(datasetId);
    if (!d) datasets.set(datasetId, (d = prepareDataset(home, datasetId, { dataDir: spec.data_dir ?? undefined })));
    return d;
  };
  const host = collectHostEnvironment();
  const executor = opts.executor ?? new LocalExecutor();
  const results: RunResultFile[] = [];
  let index = 0;
  try {
    for (const cell of cells) {
      const done = opts.resume ? complete(cell) : null;
      if (done) {
        results.push(done);
        opts.onEvent?.({ type: 'cell-skipped', cell, reason: 'complete' });
        continue;
      }
      index++;
      opts.onEvent?.({ type: 'cell-start', cell, index, total: toRun.length });
      const binding = bindings.find((b) => b.id === cell.binding)!;
      const result = await runCell({ home, campaign: id, cell, binding, probe: probes.get(binding.id)!, host, spec, executor, dataFor, onEvent: opts.onEvent });
      results.push(result);
      const run = readRunDir(runPaths(home.store, id, cell.key));
      if (run) indexRun(db, run);
      opts.onEvent?.({ type: 'cell-end', cell, result, index, total: toRun.length });
    }
  } finally {
    db.close();
  }
  return { id, dir, cells, results, failed: results.filter((r) => r.status === 'failed').length };
}

interface CellContext {
  home: Home;
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
  const { home, campaign, cell, binding } = ctx;
  const paths = beginRunDir(home.store, campaign, cell.key);
  const runId = `${campaign}/${cell.key}`;
  const model = zooModels[cell.model]!;
  const started = new Date().toISOString();
  const { skip, ...plainCell } = cell;
  const base = {
    run_id: runId,
    campaign,
    cell: plainCell,
    framework: binding.framework,
    language: binding.language,
    started,
    data_source: '',
  };
  writeJsonAtomic(paths.environment, { host: ctx.host, binding: { id: binding.id, library: binding.library, probe: ctx.probe } });

  if (skip) return writeSkipped(paths, base, skip.status, skip.reason);

  const data = ctx.dataFor(model.dataset);
  const n = cell.trainLimit ? Math.min(cell.trainLimit, data.train.n) : data.train.n;
  const testN = cell.testLimit ? Math.min(cell.testLimit, data.test.n) : data.test.n;
  let sourceRun: StoredRun | null = null;
  let request: RunnerRequest;
  if ((cell.mode === 'infer' || cell.mode === 'convert') && cell.source) {
    sourceRun = readRunDir(runPaths(home.store, campaign, cell.source.cellKey));
    // Cross-framework serialization loads what a convert cell wrote; the source run is still what it is judged against.
    const holderKey = cell.source.via ?? cell.source.cellKey;
    const holder = cell.source.via ? readRunDir(runPaths(home.store, campaign, cell.source.via)) : sourceRun;
    const artifact = holder?.result.artifacts[cell.source.format];
    if (!sourceRun || sourceRun.result.status !== 'ok' || !holder || holder.result.status !== 'ok' || !artifact) {
      const missing = !sourceRun || sourceRun.result.status !== 'ok' ? { key: cell.source.cellKey, run: sourceRun } : !holder || holder.result.status !== 'ok' ? { key: holderKey, run: holder } : null;
      const why = missing
        ? `the ${missing.key === cell.source.via ? 'conversion' : 'source'} run ${missing.key} has no complete result (${missing.run?.result.status ?? 'missing'}${missing.run?.result.reason ? `: ${missing.run.result.reason}` : ''})`
        : `the run ${holderKey} wrote no ${cell.source.format} artifact`;
      return writeSkipped(paths, base, missing ? 'not_available' : 'not_supported', why);
    }
    const weights = { format: cell.source.format, path: join(holder.paths.dir, artifact) };
    request =
      cell.mode === 'convert'
        ? buildExportRequest(cell, { runId, model, data, outputDir: paths.artifacts, weights })
        : buildInferRequest(cell, { runId, model, data, outputDir: paths.artifacts, weights, repetitions: ctx.spec.inference_repetitions });
  } else {
    request = buildTrainRequest(cell, {
      runId,
      model,
      data,
      order: cell.dataOrder === 'shared' ? prepareSharedOrder(home, cell.seed, n, cell.hyper.epochs) : null,
      initWeights: cell.init === 'shared' ? prepareSharedInit(home, model, cell.seed) : null,
      outputDir: paths.artifacts,
      recordStepLosses: ctx.spec.record_step_losses,
    });
  }
  writeJsonAtomic(paths.request, request);
  const outcome = await ctx.executor.execute({
    launch: binding.launch(home, paths.request),
    eventsFile: paths.events,
    stderrFile: paths.stderr,
    timeoutSeconds: ctx.spec.timeout_seconds,
    onEvent: (event) => ctx.onEvent?.({ type: 'cell-event', cell, event }),
  });
  const summary = summarizeRun(outcome.events, outcome);
  if (summary.start) writeJsonAtomic(paths.environment, { host: ctx.host, binding: { id: binding.id, library: binding.library, probe: ctx.probe }, runner: summary.start });
  const result: RunResultFile = {
    ...base,
    status: summary.status,
    reason: summary.reason,
    exit_code: outcome.exitCode,
    signal: outcome.signal,
    stderr_tail: summary.status === 'ok' ? '' : outcome.stderrTail,
    finished: new Date().toISOString(),
    final_train_accuracy: summary.finalTrainAccuracy,
    final_test_accuracy: summary.finalTestAccuracy,
    train_seconds: summary.trainSeconds,
    wall_seconds: summary.wallSeconds,
    process_seconds: outcome.processSeconds,
    mean_inference_seconds: summary.meanInferenceSeconds,
    artifacts: Object.fromEntries(summary.artifacts.map((a) => [a.format, relative(paths.dir, a.path)])),
    data_source: `${data.source}${n < data.train.n ? `; first ${n} of ${data.train.n} training examples` : ''}${testN < data.test.n ? `; first ${testN} of ${data.test.n} test examples` : ''}`,
    source: sourceRun && cell.source && cell.mode === 'infer' ? inferSourceResult(home, campaign, cell, sourceRun, summary.inferences, testN) : null,
  };
  writeResult(paths, result);
  return result;
}

function inferSourceResult(home: Home, campaign: string, cell: PlannedCell, sourceRun: StoredRun, inferences: InferenceEvent[], testN: number): InferSourceResult {
  const src = cell.source!;
  const acc = sourceRun.result.final_test_accuracy;
  const sourceCorrect = acc === null ? null : Math.round(acc * testN);
  // The reference logits are the source binding loading its own weights (states), when that cell ran.
  const selfKey = cellKey({ ...cell, binding: src.binding, source: { ...src, loadMode: 'states' } });
  const self = readRunDir(runPaths(home.store, campaign, selfKey));
  const logitsOf = (events: RunnerEvent[]) => events.find((e): e is InferenceEvent => e.type === 'inference' && e.split === 'test' && e.logits_path !== undefined)?.logits_path;
  return {
    run_id: sourceRun.result.run_id,
    binding: src.binding,
    load_mode: src.loadMode,
    format: src.format,
    correct: sourceCorrect,
    ...checkInference(inferences, sourceCorrect),
    max_abs_logit_diff: self ? maxAbsLogitDiff(logitsOf(self.events), logitsOf(inferences)) : null,
  };
}

function writeSkipped(paths: RunPaths, base: Omit<RunResultFile, 'status' | 'reason' | 'exit_code' | 'signal' | 'stderr_tail' | 'finished' | 'final_train_accuracy' | 'final_test_accuracy' | 'train_seconds' | 'wall_seconds' | 'process_seconds' | 'mean_inference_seconds' | 'artifacts'>, status: RunResultFile['status'], reason: string): RunResultFile {
  const result: RunResultFile = {
    ...base,
    status,
    reason,
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
  };
  writeResult(paths, result);
  return result;
}
