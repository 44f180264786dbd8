/**
 * The campaign loop on Slurm: each wave of cells is prepared here (run directories, requests), written to a wave
 * file and submitted as one job array; every array task runs one cell through `bindbench run-cell` on its node and
 * writes its run directory into the shared store. This loop follows the arrays with scontrol, prints the same
 * progress as a local campaign (tailing each running cell's events), indexes each run when its task ends and records
 * a task that Slurm ended without a result as a failed run with Slurm's reason.
 */
import { closeSync, existsSync, openSync, readSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { InterruptedError } from '../../base/errors.js';
import { packageRoot } from '../../base/home.js';
import { parseEventLine } from '../../protocol/read-events.js';
import type { RunResultFile } from '../../store/result-store.js';
import { prepareCell, type CellJob, type PrepareContext } from '../cell-job.js';
import type { PlannedCell } from '../plan.js';
import type { CampaignEvent } from '../run-campaign.js';
import type { SlurmSettings } from '../spec.js';
import type { ClusterTaskFacts, WaveFile } from './node-task.js';
import { planWaves, sbatchArgs, slurmFailureReason, taskCommand } from './slurm-batch.js';
import { arrayState, isActiveState, sbatch, scancel, type SlurmTask } from './slurm-commands.js';

export interface SlurmContext extends Omit<PrepareContext, 'cell' | 'binding' | 'probe' | 'schedule'> {
  settings: SlurmSettings;
  cells: PlannedCell[];
  bindings: PrepareContext['binding'][];
  probes: Map<string, PrepareContext['probe']>;
  /** The cell's complete result, or null (read from its run directory). */
  complete(cell: PlannedCell): RunResultFile | null;
  resume: boolean;
  onEvent?(event: CampaignEvent): void;
  /** Cores each task asks for (null: the partition's default). */
  coresPerCell: number | null;
}

/** The arrays a campaign submitted, so that a resumed orchestrator can cancel what a killed one left running. */
interface SubmittedArrays {
  arrays: Array<{ id: string; wave: string; submitted: string }>;
}

const SUBMITTED = 'slurm-arrays';
/** How long cancelled tasks get to end before the orchestrator stops waiting for them. */
const CANCEL_WAIT_MS = 120_000;
/** How long a just-submitted array may stay unknown to scontrol before its tasks count as ended without a result. */
const UNSEEN_GRACE_MS = 120_000;

interface Tracked {
  cell: PlannedCell;
  job: CellJob;
  /** Its number in the progress (`[n/total]`), from when it started. */
  n: number;
  started: boolean;
  done: boolean;
  /** Bytes of events.jsonl already shown as progress. */
  offset: number;
}

export async function runCellsOnSlurm(ctx: SlurmContext): Promise<RunResultFile[]> {
  const { store, campaign, settings } = ctx;
  let interrupted = false;
  let wake: () => void = () => {};
  const onSignal = () => {
    interrupted = true;
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const mine: string[] = [];
  try {
    // A killed orchestrator leaves its arrays running: cancel them first, so no cell runs twice at once, then keep
    // what they finished.
    await cancelArrays(store.readExecutorFile<SubmittedArrays>(campaign, SUBMITTED)?.arrays.map((a) => a.id) ?? []);
    const results = new Map<string, RunResultFile>();
    const pending: PlannedCell[] = [];
    for (const cell of ctx.cells) {
      const done = ctx.resume ? ctx.complete(cell) : null;
      if (done) {
        // Finished by a node after its orchestrator died: complete on disk, perhaps not yet in the index.
        store.indexRunDir(store.runPaths(campaign, cell.key));
        results.set(cell.key, done);
        ctx.onEvent?.({ type: 'cell-skipped', cell, reason: 'complete' });
      } else pending.push(cell);
    }
    const total = pending.length;
    let index = 0;
    const started = (cell: PlannedCell): number => {
      ctx.onEvent?.({ type: 'cell-start', cell, index: ++index, total });
      return index;
    };
    const ended = (cell: PlannedCell, result: RunResultFile, n: number) => {
      results.set(cell.key, result);
      ctx.onEvent?.({ type: 'cell-end', cell, result, index: n, total });
    };

    for (const [w, wave] of planWaves(pending).entries()) {
      const arrays: Array<{ id: string; tasks: Tracked[]; seen: boolean; submitted: number }> = [];
      for (const device of ['cpu', 'cuda'] as const) {
        const tasks: Tracked[] = [];
        for (const cell of wave.filter((c) => c.device === device)) {
          const binding = ctx.bindings.find((b) => b.id === cell.binding)!;
          const schedule = { parallel: settings.max_parallel, cpus: null, threads: ctx.coresPerCell, gpu: null, cluster: 'slurm' };
          const prepared = prepareCell({ ...ctx, cell, binding, probe: ctx.probes.get(binding.id)!, schedule });
          if ('result' in prepared) ended(cell, prepared.result, started(cell));
          else tasks.push({ cell, job: prepared.job, n: 0, started: false, done: false, offset: 0 });
        }
        if (!tasks.length) continue;
        const name = `wave-${w}-${device}`;
        const wavePath = store.writeExecutorFile(campaign, name, { store: store.dir, campaign, jobs: tasks.map((t) => t.job) } satisfies WaveFile);
        const args = sbatchArgs(settings, { campaign, count: tasks.length, device, timeoutSeconds: tasks[0]!.job.timeoutSeconds, coresPerCell: ctx.coresPerCell, logDir: store.executorDir(campaign) });
        const id = await sbatch([...args, `--wrap=${taskCommand({ node: process.execPath, cli: join(packageRoot, 'bin', 'bindbench.js'), waveFile: wavePath })}`]);
        mine.push(id);
        const record = store.readExecutorFile<SubmittedArrays>(campaign, SUBMITTED) ?? { arrays: [] };
        store.writeExecutorFile(campaign, SUBMITTED, { arrays: [...record.arrays, { id, wave: name, submitted: new Date().toISOString() }] });
        arrays.push({ id, tasks, seen: false, submitted: Date.now() });
      }
      // Follow this wave to its end: the next wave's requests name what this one wrote.
      while (arrays.some((a) => a.tasks.some((t) => !t.done))) {
        if (interrupted) await interrupt(ctx, mine, arrays);
        for (const a of arrays) {
          const state = await arrayState(a.id);
          // A controller may answer for a new array a moment after sbatch returns: unknown counts only once seen.
          if (!state && !a.seen && Date.now() - a.submitted < UNSEEN_GRACE_MS) continue;
          a.seen = true;
          const byIndex = new Map((state?.tasks ?? []).map((t) => [t.index, t]));
          a.tasks.forEach((t, i) => {
            if (t.done) return;
            const task = byIndex.get(i) ?? null;
            const waiting = state !== null && (state.pending.includes(i) || (task !== null && task.state === 'PENDING'));
            if (waiting) return;
            if (!t.started) {
              t.started = true;
              t.n = started(t.cell);
            }
            tailEvents(t, ctx.onEvent);
            if (task && isActiveState(task.state)) return;
            t.done = true;
            ended(t.cell, endTask(ctx, t, task), t.n);
          });
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, settings.poll_seconds * 1000);
        });
      }
    }
    return ctx.cells.map((c) => results.get(c.key)).filter((r): r is RunResultFile => r !== undefined);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** A task Slurm reports ended (or no longer knows): index what its node wrote, or record why there is nothing. */
function endTask(ctx: SlurmContext, t: Tracked, task: SlurmTask | null): RunResultFile {
  const { store, campaign } = ctx;
  const run = safeRead(ctx, t.cell);
  const slurm = task ? { state: task.state, ...(task.node ? { node: task.node } : {}) } : { state: 'UNKNOWN' };
  // What the node recorded of its task (absent when it never started), with Slurm's final word on it.
  const environment = (store.runEnvironment(campaign, t.cell.key) ?? t.job.environment) as Record<string, unknown>;
  const noted = environment.cluster as Partial<ClusterTaskFacts> | undefined;
  store.writeRunFile(t.job.paths, 'environment', { ...environment, cluster: { ...(noted ? {} : { scheduler: 'slurm', job_id: task?.jobId ?? null }), ...noted, ...slurm } });
  if (!run) return store.finishRun(t.job.paths, t.job.start, { status: 'failed', reason: slurmFailureReason(task), ...t.job.known });
  // The node recorded its runner's death, but Slurm ended the task: Slurm's reason is the one a user can act on.
  if (run.status === 'failed' && task && task.state !== 'COMPLETED') return store.finishRun(t.job.paths, t.job.start, { ...run, reason: `${slurmFailureReason(task)} (the node saw: ${run.reason})` });
  store.indexRunDir(t.job.paths);
  return run;
}

function safeRead(ctx: SlurmContext, cell: PlannedCell): RunResultFile | null {
  try {
    return ctx.complete(cell) ?? (ctx.store.readRun(ctx.campaign, cell.key)?.result ?? null);
  } catch {
    return null;
  }
}

/** New complete lines of a running cell's events.jsonl, as progress (the node appends them as its runner speaks). */
function tailEvents(t: Tracked, onEvent: SlurmContext['onEvent']): void {
  if (!onEvent || !existsSync(t.job.paths.events)) return;
  const fd = openSync(t.job.paths.events, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < t.offset) t.offset = 0; // a requeued task starts its events again
    if (size === t.offset) return;
    const buf = Buffer.alloc(Math.min(size - t.offset, 16 * 1024 * 1024));
    readSync(fd, buf, 0, buf.length, t.offset);
    const text = buf.toString('utf8');
    const end = text.lastIndexOf('\n');
    if (end < 0) return;
    t.offset += Buffer.byteLength(text.slice(0, end + 1));
    for (const line of text.slice(0, end).split('\n')) {
      try {
        const event = parseEventLine(line, 0);
        if (event) onEvent({ type: 'cell-event', cell: t.cell, event });
      } catch {
        // A line the protocol rejects is the run's to judge when it ends, not the progress display's.
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Ctrl-C: cancel this campaign's arrays, keep every run a node finished, and stop. */
async function interrupt(ctx: SlurmContext, ids: string[], arrays: ReadonlyArray<{ tasks: Tracked[] }>): Promise<never> {
  await cancelArrays(ids);
  let kept = 0;
  for (const a of arrays) {
    for (const t of a.tasks) {
      if (t.done) continue;
      const run = safeRead(ctx, t.cell);
      if (run) {
        ctx.store.indexRunDir(t.job.paths);
        kept++;
      }
    }
  }
  throw new InterruptedError(
    `interrupted: cancelled Slurm job(s) ${ids.join(', ')}; every finished run is kept${kept ? ` (${kept} finished while cancelling)` : ''}, and \`bindbench run --resume ${ctx.campaign}\` runs the rest`,
  );
}

/** Cancels arrays and waits (a while) until none of their tasks is still running, so no cell runs twice at once. */
async function cancelArrays(ids: readonly string[]): Promise<void> {
  const live: string[] = [];
  for (const id of ids) {
    const state = await arrayState(id);
    if (state && (state.pending.length || state.tasks.some((t) => isActiveState(t.state)))) live.push(id);
  }
  if (!live.length) return;
  await scancel(live);
  const deadline = Date.now() + CANCEL_WAIT_MS;
  while (Date.now() < deadline) {
    let active = false;
    for (const id of live) {
      const state = await arrayState(id);
      if (state && state.tasks.some((t) => isActiveState(t.state))) active = true;
    }
    if (!active) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
