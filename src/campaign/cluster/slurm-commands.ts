/**
 * Slurm's own commands, and nothing else of Slurm: sbatch submits, scontrol reports, scancel cancels. The cluster is
 * whatever SLURM_CONF (or /etc/slurm/slurm.conf) names; bindbench never schedules anything itself.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BadInputError } from '../../base/errors.js';

const run = promisify(execFile);

/** A job state in which the task has not ended (it may still start, run or be requeued). */
const ACTIVE_STATES = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESIZING', 'SIGNALING', 'STAGE_OUT', 'STOPPED', 'RESV_DEL_HOLD']);

export function isActiveState(state: string): boolean {
  return ACTIVE_STATES.has(state);
}

/** One array task as scontrol reports it. */
export interface SlurmTask {
  index: number;
  jobId: string;
  state: string;
  reason: string;
  node: string | null;
  exitCode: string;
  restarts: number;
}

/** What Slurm says of an array: its tasks that exist as jobs, and the indices still waiting as one pending record. */
export interface ArrayState {
  tasks: SlurmTask[];
  pending: number[];
}

/** Why this machine cannot submit to Slurm, or null when it can (the commands exist and the controller answers). */
export async function slurmUnavailable(): Promise<string | null> {
  try {
    await run('sbatch', ['--version']);
  } catch {
    return 'the Slurm executor needs sbatch, squeue, scontrol and scancel on PATH (Debian: apt-get install slurm-client), on a machine that can submit to the cluster';
  }
  try {
    await run('scontrol', ['ping'], { timeout: 20_000 });
  } catch (e) {
    return `Slurm's controller does not answer (\`scontrol ping\`: ${firstLine(e)}): check SLURM_CONF and that slurmctld runs`;
  }
  return null;
}

/** Submits a job (its command in `--wrap=`); returns the job id (of the array, for `--array`). */
export async function sbatch(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('sbatch', ['--parsable', ...args]);
    const id = stdout.trim().split(';')[0]!;
    if (!/^\d+$/.test(id)) throw new Error(`sbatch answered '${stdout.trim()}' instead of a job id`);
    return id;
  } catch (e) {
    throw new SlurmError(`sbatch refused the campaign's array: ${firstLine(e)}`);
  }
}

/**
 * The array's tasks, or null when Slurm no longer knows the array (it ended longer ago than the cluster's
 * MinJobAge). Uses scontrol, which needs no accounting database.
 */
export async function arrayState(arrayJobId: string): Promise<ArrayState | null> {
  let stdout: string;
  try {
    ({ stdout } = await run('scontrol', ['show', 'job', '-o', arrayJobId], { maxBuffer: 64 * 1024 * 1024 }));
  } catch (e) {
    if (/invalid job id/i.test(String((e as { stderr?: string }).stderr ?? (e as Error).message))) return null;
    throw new SlurmError(`scontrol could not report job ${arrayJobId}: ${firstLine(e)}`);
  }
  return parseArrayState(stdout);
}

/** scontrol's one-line records -> tasks; a record whose ArrayTaskId is a range holds the tasks that never started. */
export function parseArrayState(text: string): ArrayState {
  const tasks: SlurmTask[] = [];
  const pending: number[] = [];
  for (const line of text.split('\n')) {
    const field = (key: string) => line.match(new RegExp(`(?:^|\\s)${key}=(\\S*)`))?.[1] ?? '';
    const ids = field('ArrayTaskId');
    if (!ids) continue;
    const state = field('JobState');
    const node = field('BatchHost') || field('NodeList');
    const task = (index: number): SlurmTask => ({
      index,
      jobId: field('JobId'),
      state,
      reason: field('Reason'),
      node: node && node !== '(null)' ? node : null,
      exitCode: field('ExitCode'),
      restarts: Number(field('Restarts') || 0),
    });
    if (/^\d+$/.test(ids)) tasks.push(task(Number(ids)));
    // Tasks that never started share one record: still waiting, or ended together (a cancelled array).
    else if (isActiveState(state)) pending.push(...expandIndices(ids));
    else tasks.push(...expandIndices(ids).map(task));
  }
  return { tasks, pending };
}

/** `0-3,7,9-11%2` -> 0 1 2 3 7 9 10 11 (the `%` throttle is not an index). */
export function expandIndices(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.replace(/%\d+$/, '').split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || !Number.isInteger(a)) continue;
    for (let i = a; i <= (Number.isInteger(b) ? b! : a); i++) out.push(i);
  }
  return out;
}

/** Cancels jobs (whole arrays or single tasks, `123` or `123_4`); ids Slurm no longer knows are ignored. */
export async function scancel(ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  try {
    await run('scancel', [...ids]);
  } catch (e) {
    if (!/invalid job id/i.test(String((e as { stderr?: string }).stderr ?? ''))) throw new SlurmError(`scancel ${ids.join(' ')} failed: ${firstLine(e)}`);
  }
}

/** Slurm did not do what was asked (a refused submission, a controller that stopped answering): the user's to fix. */
export class SlurmError extends BadInputError {
  override name = 'SlurmError';
}

function firstLine(e: unknown): string {
  const err = e as { stderr?: string; message?: string };
  return (err.stderr?.trim() || err.message || String(e)).split('\n')[0]!;
}
