/**
 * What the Slurm executor submits, as pure functions: the waves of cells (a cell runs in the wave after the cells it
 * loads from), each wave's `sbatch` arguments and the batch script every array task runs.
 */
import { prerequisites, type PlannedCell } from '../plan.js';
import type { SlurmSettings } from '../spec.js';
import type { SlurmTask } from './slurm-commands.js';

/**
 * Cells by dependency depth: training cells first, then the conversions and inferences that load their models.
 * A later wave is prepared only when the one before has ended, since its requests name the artifacts it loads.
 */
export function planWaves(cells: readonly PlannedCell[]): PlannedCell[][] {
  const byKey = new Map(cells.map((c) => [c.key, c]));
  const depth = new Map<string, number>();
  const depthOf = (cell: PlannedCell): number => {
    const known = depth.get(cell.key);
    if (known !== undefined) return known;
    const d = Math.max(-1, ...prerequisites(cell).map((k) => (byKey.has(k) ? depthOf(byKey.get(k)!) : -1))) + 1;
    depth.set(cell.key, d);
    return d;
  };
  const waves: PlannedCell[][] = [];
  for (const cell of cells) (waves[depthOf(cell)] ??= []).push(cell);
  return waves.filter(Boolean);
}

export interface ArrayRequest {
  campaign: string;
  /** Array tasks (indices 0 .. count - 1). */
  count: number;
  device: 'cpu' | 'cuda';
  timeoutSeconds: number;
  /** Cores each task asks for; null: the partition's default. */
  coresPerCell: number | null;
  /** Where each task's own output goes (`slurm-<array>_<index>.out`). */
  logDir: string;
}

/** Slack above the cell's own timeout, so the runner's timeout (which records why) fires before Slurm's. */
const TIME_LIMIT_SLACK_SECONDS = 120;

export function sbatchArgs(settings: SlurmSettings, a: ArrayRequest): string[] {
  const minutes = Math.ceil((a.timeoutSeconds + TIME_LIMIT_SLACK_SECONDS) / 60);
  return [
    `--job-name=bindbench-${a.campaign}`,
    `--array=0-${a.count - 1}%${settings.max_parallel}`,
    `--output=${a.logDir}/slurm-%A_%a.out`,
    `--time=${minutes}`,
    '--nodes=1',
    '--ntasks=1',
    ...(a.coresPerCell !== null ? [`--cpus-per-task=${a.coresPerCell}`] : []),
    ...(a.device === 'cuda' ? [`--gres=${settings.gres}`] : []),
    ...(settings.partition ? [`--partition=${settings.partition}`] : []),
    ...(settings.account ? [`--account=${settings.account}`] : []),
    ...(settings.qos ? [`--qos=${settings.qos}`] : []),
    settings.requeue ? '--requeue' : '--no-requeue',
    ...settings.sbatch_args,
  ];
}

/** Single quotes for the shell: the paths are the user's. */
function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command each array task runs (sbatch wraps it in a shell script): one cell of the wave file, picked by the
 * task's index, through `run-cell`. The node must see the same paths (a shared home, the same install).
 */
export function taskCommand(o: { node: string; cli: string; waveFile: string }): string {
  return `exec ${quote(o.node)} ${quote(o.cli)} run-cell --wave ${quote(o.waveFile)} --index "$SLURM_ARRAY_TASK_ID"`;
}

/** Why a task that left no result ended, in Slurm's words. */
export function slurmFailureReason(task: SlurmTask | null): string {
  if (!task) return 'Slurm no longer reports this task and it left no result (it ended longer ago than the cluster keeps finished jobs)';
  const where = task.node ? ` on node ${task.node}` : '';
  const why: Record<string, string> = {
    TIMEOUT: 'it reached its Slurm time limit',
    CANCELLED: 'it was cancelled (scancel, or an administrator)',
    NODE_FAIL: 'its node failed',
    PREEMPTED: 'it was preempted',
    OUT_OF_MEMORY: 'it ran out of memory',
    BOOT_FAIL: 'its node failed to boot',
    DEADLINE: 'it reached its deadline',
    FAILED: `run-cell exited with ${task.exitCode}`,
    COMPLETED: 'run-cell ended without writing a result',
  };
  const reason = task.reason && task.reason !== 'None' ? `; Slurm's reason: ${task.reason}` : '';
  return `Slurm ended job ${task.jobId} (${task.state})${where}: ${why[task.state] ?? 'see its output'}${reason}`;
}
