/**
 * One array task on a cluster node (`bindbench run-cell`): reads its cell from the wave file the orchestrator wrote,
 * runs it with the local executor and writes the run's result into the shared store. It never touches the index:
 * the orchestrator indexes the run when it sees the task end.
 */
import { hostname } from 'node:os';
import { truncateSync, existsSync } from 'node:fs';
import { BadInputError } from '../../base/errors.js';
import { readJsonFile } from '../../store/json-file.js';
import { ResultStore, type RunResultFile } from '../../store/result-store.js';
import { executeJob, finishJob, jobUnrunnableHere, type CellJob } from '../cell-job.js';
import { LocalExecutor } from '../executors/local.js';

const SIGNAL_SETTLE_MS = 2000;

/** What the orchestrator writes for one array: the store every node shares and one prepared cell per task index. */
export interface WaveFile {
  store: string;
  campaign: string;
  jobs: CellJob[];
}

/** What a run's manifest records of the task that ran it. */
export interface ClusterTaskFacts {
  scheduler: 'slurm';
  job_id: string | null;
  array_job_id: string | null;
  array_task_id: number | null;
  node: string;
  cpus_per_task: number | null;
  restarts: number;
  /** Slurm's final state of the task, added by the orchestrator when the task has ended. */
  state?: string;
}

export function taskFactsFromEnv(env: NodeJS.ProcessEnv): ClusterTaskFacts {
  const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
  return {
    scheduler: 'slurm',
    job_id: env.SLURM_JOB_ID ?? null,
    array_job_id: env.SLURM_ARRAY_JOB_ID ?? null,
    array_task_id: num(env.SLURM_ARRAY_TASK_ID),
    node: env.SLURMD_NODENAME ?? hostname(),
    cpus_per_task: num(env.SLURM_CPUS_PER_TASK),
    restarts: num(env.SLURM_RESTART_COUNT) ?? 0,
  };
}

export function readWaveFile(path: string): WaveFile {
  if (!existsSync(path)) throw new BadInputError(`wave file ${path} does not exist: run-cell is started by the Slurm executor with the wave file it wrote`);
  const wave = readJsonFile<WaveFile>(path, 'resume the campaign: the orchestrator writes the wave again');
  if (!wave || typeof wave.store !== 'string' || !Array.isArray(wave.jobs)) throw new BadInputError(`wave file ${path} is not a bindbench wave (no store or jobs): resume the campaign to write it again`);
  return wave;
}

export async function runClusterTask(waveFile: string, index: number, env: NodeJS.ProcessEnv = process.env): Promise<RunResultFile> {
  const wave = readWaveFile(waveFile);
  const job = wave.jobs[index];
  if (!job) throw new BadInputError(`--index ${index}: the wave ${waveFile} has tasks 0 to ${wave.jobs.length - 1}`);
  const facts = taskFactsFromEnv(env);
  const store = ResultStore.open(wave.store);
  // A requeued task starts its cell again: what the interrupted attempt said is not part of this run.
  for (const file of [job.paths.events, job.paths.stderr]) if (existsSync(file)) truncateSync(file);
  store.writeRunFile(job.paths, 'environment', { ...job.environment, cluster: facts });
  const missing = jobUnrunnableHere(job, `node ${facts.node}`);
  if (missing) return store.finishRun(job.paths, job.start, { status: 'failed', reason: missing, ...job.known }, { index: false });
  const outcome = await executeJob(job, new LocalExecutor());
  // Slurm signals every process of a task at once: a runner killed by that signal may be noticed before this
  // process's own SIGTERM handler runs. A moment's wait lets the handler end the task without a result, so the
  // orchestrator records Slurm's reason rather than the runner's death.
  if (outcome.signal && !outcome.timedOut) await new Promise((r) => setTimeout(r, SIGNAL_SETTLE_MS));
  return finishJob(store, job, outcome, { index: false, environment: { cluster: facts } });
}
