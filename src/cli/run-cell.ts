/**
 * `bindbench run-cell`: internal, started by the Slurm executor in each array task. Runs one prepared cell of a wave
 * file on this node and writes its run directory; the orchestrator indexes it. Not for users, so hidden from help.
 */
import type { Command } from 'commander';
import { runClusterTask } from '../campaign/cluster/node-task.js';
import { BadInputError } from '../base/errors.js';

export function registerRunCell(program: Command): void {
  program
    .command('run-cell', { hidden: true })
    .description('run one cell of a Slurm wave file on this node (started by the Slurm executor)')
    .requiredOption('--wave <file>', 'the wave file the orchestrator wrote')
    .requiredOption('--index <n>', "the cell's index in the wave (the array task id)")
    .action(async (o: { wave: string; index: string }) => {
      if (!/^\d+$/.test(o.index)) throw new BadInputError(`--index: '${o.index}' is not an array task index (run-cell runs inside a Slurm array task)`);
      // Slurm ends a task (scancel, time limit, preemption) with SIGTERM: stop at once without a result, so the
      // orchestrator records the run as failed with Slurm's reason. The runner dies with this process (setpriv).
      const stop = () => process.exit(143);
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      const result = await runClusterTask(o.wave, Number(o.index));
      process.stdout.write(`${result.run_id}: ${result.status}${result.reason ? ` (${result.reason})` : ''}\n`);
    });
}
