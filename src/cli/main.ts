/**
 * The `bindbench` command: a registry of subcommands and the only place errors become exit codes
 * (0 ok, 1 failures inside a campaign or a regression found by `compare`, 2 bad input).
 */
import { accessSync, constants, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { BadInputError, CampaignFailedError, InterruptedError, RegressionError } from '../base/errors.js';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when that command runs: the store's native SQLite module, the bindings'
 * probes and the report's renderers cost start-up time a `bindbench doctor` or `--help` should not pay for all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  run: async () => (await import('./run.js')).registerRun,
  'run-cell': async () => (await import('./run-cell.js')).registerRunCell,
  runs: async () => (await import('./runs.js')).registerRuns,
  doctor: async () => (await import('./doctor.js')).registerDoctor,
  setup: async () => (await import('./setup.js')).registerSetup,
  data: async () => (await import('./data.js')).registerData,
  import: async () => (await import('./import.js')).registerImport,
  analyze: async () => (await import('./analyze.js')).registerAnalyze,
  compare: async () => (await import('./compare.js')).registerCompare,
  calibrate: async () => (await import('./calibrate.js')).registerCalibrate,
  explain: async () => (await import('./explain.js')).registerExplain,
  report: async () => (await import('./report.js')).registerReport,
  serve: async () => (await import('./serve.js')).registerServe,
};

/** Global options that take a value, so their value is not taken for the command's name. */
const GLOBAL_VALUE_OPTIONS = new Set(['--home']);

/** The command an argument list names, or null (help, a typo): then every command is registered, for the help. */
function commandOf(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (GLOBAL_VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) return Object.hasOwn(COMMANDS, a) ? a : null;
  }
  return null;
}

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('bindbench')
    .description('Measure what the language binding of an ML framework does to correctness and time cost')
    .option('--home <dir>', 'state folder (environments, data cache, result store)', process.env.BINDBENCH_HOME ?? '.bindbench')
    .showHelpAfterError()
    .exitOverride();
  const name = commandOf(argv);
  for (const load of name ? [COMMANDS[name]!] : Object.values(COMMANDS)) (await load())(program);
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv, { from: 'user' });
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
    if (e instanceof InterruptedError) {
      process.stderr.write(`bindbench: ${e.message}\n`);
      return 130;
    }
    if (e instanceof CampaignFailedError || e instanceof RegressionError) {
      process.stderr.write(`bindbench: ${e.message}\n`);
      return 1;
    }
    const environmental = environmentProblem(e);
    if (environmental) {
      process.stderr.write(`bindbench: ${environmental}\n`);
      return 2;
    }
    // A bug: one line for the user, the whole trace in a file for the report.
    const trace = join(tmpdir(), `bindbench-error-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
    let where = '';
    try {
      writeFileSync(trace, `bindbench ${argv.join(' ')}\n${(e as Error).stack ?? String(e)}\n`);
      where = ` (full trace: ${trace})`;
    } catch {
      where = ` (${(e as Error).stack?.split('\n')[1]?.trim() ?? 'no trace'})`;
    }
    process.stderr.write(`bindbench: internal error: ${(e as Error).message ?? String(e)}${where}\n`);
    return 1;
  }
}

/**
 * Errors that come from the machine rather than from bindbench (a folder it may not write, a path that is a file, a
 * damaged index): said as bad input, naming the path and what to do, never as a stack trace.
 */
/** Why the nearest existing folder above `path` cannot be written (its error), or null when it can. */
function unwritableAncestor(path: string): NodeJS.ErrnoException | null {
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
    return null;
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
}

function environmentProblem(e: unknown): string | null {
  const err = e as NodeJS.ErrnoException & { code?: string };
  const path = err.path ? ` ${err.path}` : '';
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied: cannot ${err.syscall ?? 'use'}${path}; choose a folder you may write (--home, --out) or fix its permissions`;
    case 'EROFS':
      return `read-only file system: cannot ${err.syscall ?? 'write'}${path}; choose a writable folder (--home, --out)`;
    case 'ENOENT': {
      // A recursive mkdir under a read-only or forbidden folder reports ENOENT: ask the nearest folder that exists.
      if (err.syscall !== 'mkdir' || !err.path) return null;
      const blocked = unwritableAncestor(err.path);
      return blocked ? environmentProblem(Object.assign(blocked, { syscall: 'mkdir', path: err.path })) : null;
    }
    case 'ENOTDIR':
      return `not a folder:${path || ' a path'} (or one of its parents) is a file; --home and --out must name folders`;
    case 'EISDIR':
      return `${path.trim() || 'the path'} is a folder where a file was expected`;
    case 'ENOSPC':
      return `no space left on the device${path ? ` writing${path}` : ''}; free some space and resume`;
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_READONLY':
      return 'the SQLite index (<home>/store/index.sqlite) cannot be written: its folder is read-only or not writable; choose a writable folder (--home) or fix its permissions';
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return 'the SQLite index (<home>/store/index.sqlite) is damaged: delete it and run `bindbench runs reindex`, which rebuilds it from the run directories';
    default:
      return null;
  }
}
