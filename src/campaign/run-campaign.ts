/**
 * Runs a campaign: prepare inputs once, then each cell in its own process, persisting each result before the
 * next cell starts. Progress goes out as typed events; this module prints nothing.
 */
import type { BindingDescriptor, ProbeResult } from '../bindings/binding.js';
import { datasetTools } from '../bindings/index.js';
import { availableCpus } from '../base/cpus.js';
import { prepareDataset, type PreparedDataset } from '../data/cache.js';
import { BadInputError } from '../base/errors.js';
import type { Home } from '../base/home.js';
import type { RunnerEvent } from '../protocol/events.js';
import { collectHostEnvironment } from '../store/environment.js';
import { DamagedFileError } from '../store/json-file.js';
import { ResultStore, type RunResultFile, type StoredRun } from '../store/result-store.js';
import { cellModel } from './cell-model.js';
import { executeJob, finishJob, prepareCell, type PrepareContext } from './cell-job.js';
import { LocalExecutor, pinningUnavailable } from './executors/local.js';
import { planSlots, runSchedule, type Slot } from './schedule.js';
import { runCellsOnSlurm } from './cluster/run-on-slurm.js';
import { slurmUnavailable } from './cluster/slurm-commands.js';
import type { Executor } from './executors/executor.js';
import { planCampaign, prerequisites, type PlannedCell } from './plan.js';
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
    const onSlurm = spec.executor === 'slurm';
    // A schedule this machine cannot hold is refused before anything is written, even on a dry run. On Slurm the
    // cluster places the cells: cores_per_cell is what each array task asks for.
    const slots = onSlurm ? [] : planSlots({ parallel: spec.parallel ?? 1, coresPerCell: spec.cores_per_cell ?? null }, availableCpus());
    const unpinnable = slots.some((s) => s.cpus) ? pinningUnavailable() : null;
    if (unpinnable) throw new BadInputError(unpinnable);
    opts.onEvent?.({ type: 'planned', campaign: id, cells, toRun: toRun.length });
    if (opts.dryRun) return { id, dir, cells, results: [], failed: 0 };
    if (cells.length === 0) throw new BadInputError('the campaign has no cells: no binding is installed (run `bindbench setup`) or the spec selects none');
    if (onSlurm) {
      const why = await slurmUnavailable();
      if (why) throw new BadInputError(why);
    }
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
      const results = onSlurm
        ? await runCellsOnSlurm({
            home,
            store,
            campaign: id,
            spec,
            host: collectHostEnvironment(),
            dataFor,
            settings: spec.slurm!,
            cells,
            bindings,
            probes,
            complete,
            resume: Boolean(opts.resume),
            onEvent: opts.onEvent,
            coresPerCell: spec.cores_per_cell ?? null,
          })
        : await runCells({ ...opts, store, id, cells, probes, complete, total: toRun.length, dataFor, slots });
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
  slots: Slot[];
}

/**
 * The campaign loop: each cell in a free slot as soon as the cells it loads from have ended, in plan order, each
 * result stored and indexed as it ends. With one slot this is the plan order, one cell after another.
 */
async function runCells(opts: CellsContext): Promise<RunResultFile[]> {
  const { home, spec, bindings, store, id, cells, probes, dataFor, slots } = opts;
  const host = collectHostEnvironment();
  const executor = opts.executor ?? new LocalExecutor();
  const results: Array<RunResultFile | undefined> = new Array(cells.length);
  const waiting: number[] = [];
  cells.forEach((cell, i) => {
    const done = opts.resume ? opts.complete(cell) : null;
    if (done) {
      results[i] = done;
      opts.onEvent?.({ type: 'cell-skipped', cell, reason: 'complete' });
    } else waiting.push(i);
  });
  const unfinished = new Set(waiting.map((i) => cells[i]!.key));
  let index = 0;
  let wake: () => void = () => {};
  const free = [...slots];
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  while ((waiting.length && !failure) || running.size) {
    const next = free.length && !failure ? waiting.findIndex((i) => prerequisites(cells[i]!).every((k) => !unfinished.has(k))) : -1;
    if (next < 0) {
      // Nothing can start until a running cell ends (or none runs: a prerequisite outside the plan cannot be waited for).
      if (!running.size) break;
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const i = waiting.splice(next, 1)[0]!;
    const cell = cells[i]!;
    const slot = free.shift()!;
    const n = ++index;
    opts.onEvent?.({ type: 'cell-start', cell, index: n, total: opts.total });
    const binding = bindings.find((b) => b.id === cell.binding)!;
    const task = runCell({ home, store, campaign: id, cell, binding, probe: probes.get(binding.id)!, host, spec, executor, dataFor, slot, parallel: slots.length, onEvent: opts.onEvent }).then(
      (result) => {
        results[i] = result;
        unfinished.delete(cell.key);
        opts.onEvent?.({ type: 'cell-end', cell, result, index: n, total: opts.total });
      },
    );
    const tracked: Promise<void> = task
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        running.delete(tracked);
        free.push(slot);
        free.sort((a, b) => a.index - b.index);
        wake();
      });
    running.add(tracked);
  }
  // A cell that threw (the store could not be written) ends the campaign as it always did, once the others have ended.
  if (failure) throw (failure as { error: unknown }).error;
  return results.filter((r): r is RunResultFile => r !== undefined);
}

interface CellContext extends Omit<PrepareContext, 'schedule'> {
  executor: Executor;
  slot: Slot;
  parallel: number;
  onEvent?: CampaignOptions['onEvent'];
}

async function runCell(ctx: CellContext): Promise<RunResultFile> {
  const prepared = prepareCell({ ...ctx, schedule: runSchedule(ctx.slot, ctx.parallel, ctx.cell.device) });
  if ('result' in prepared) return prepared.result;
  const outcome = await executeJob(prepared.job, ctx.executor, (event) => ctx.onEvent?.({ type: 'cell-event', cell: ctx.cell, event }));
  return finishJob(ctx.store, prepared.job, outcome);
}
