/**
 * The `bindbench` command: a registry of subcommands and the only place errors become exit codes
 * (0 ok, 1 failures inside a campaign, 2 bad input).
 */
import { Command, CommanderError } from 'commander';
import { BadInputError, CampaignFailedError } from '../errors.js';
import { registerRun } from './run.js';
import { registerRuns } from './runs.js';
import { registerDoctor } from './doctor.js';
import { registerSetup } from './setup.js';
import { registerData } from './data.js';
import { registerImport } from './import.js';
import { registerAnalyze } from './analyze.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';

export function buildProgram(): Command {
  const program = new Command('bindbench')
    .description('Measure what the language binding of an ML framework does to correctness and time cost')
    .option('--home <dir>', 'state folder (environments, data cache, result store)', process.env.BINDBENCH_HOME ?? '.bindbench')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [
    registerRun,
    registerRuns,
    registerDoctor,
    registerSetup,
    registerData,
    registerImport,
    registerAnalyze,
    registerReport,
    registerServe,
  ]) register(program);
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end this way too, with exit code 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof BadInputError) {
      process.stderr.write(`bindbench: ${e.message}\n`);
      return 2;
    }
    if (e instanceof CampaignFailedError) {
      process.stderr.write(`bindbench: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`bindbench: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
