/**
 * The Python virtual environments the Python runners (and the native libraries other bindings link against) live
 * in: one per framework under the state folder, installed from the pinned requirements in runners/python/.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { Home } from '../base/home.js';
import { packageRoot } from '../base/home.js';
import type { BindingDescriptor, LaunchCommand, ProbeResult, SetupContext } from './binding.js';

type Framework = 'pytorch' | 'tensorflow';

export interface PythonEnv {
  dir: string;
  python: string;
  requirements: string;
  /** site-packages of the environment, where torch/ and tensorflow/ live. */
  sitePackages(): string;
}

export function pythonEnv(home: Home, framework: Framework): PythonEnv {
  const dir = join(home.envs, framework);
  const python = join(dir, 'bin', 'python');
  return {
    dir,
    python,
    requirements: join(packageRoot, 'runners', 'python', `requirements-${framework}.txt`),
    sitePackages() {
      return execFileSync(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' }).trim();
    },
  };
}

/** The python3 used to create environments: BINDBENCH_PYTHON, else python3 on PATH. */
function basePython(): string {
  return process.env.BINDBENCH_PYTHON ?? 'python3';
}

/**
 * Creates the environment and installs its pinned requirements, idempotently: a stamp file holds the hash of the
 * requirements that were installed, so a second run with unchanged pins does nothing.
 */
export async function ensurePythonEnv(ctx: SetupContext, framework: Framework): Promise<PythonEnv> {
  const env = pythonEnv(ctx.home, framework);
  if (existsSync(env.python) && requirementsInstalled(env)) {
    ctx.log(`${framework} Python environment is up to date (${env.dir})`);
    return env;
  }
  if (!existsSync(env.python)) {
    ctx.log(`creating the ${framework} Python environment in ${env.dir}`);
    await ctx.exec(basePython(), ['-m', 'venv', env.dir]);
  }
  ctx.log(`installing ${framework} requirements from ${env.requirements} (PyPI; the first time can take minutes)`);
  await ctx.exec(env.python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '-r', env.requirements]);
  writeFileSync(stampPath(env), requirementsHash(env) + '\n');
  return env;
}

/** The stamp holds the hash of the requirements that were installed, so a changed pin means a stale environment. */
function stampPath(env: PythonEnv): string {
  return join(env.dir, '.bindbench-requirements.sha256');
}

function requirementsHash(env: PythonEnv): string {
  return createHash('sha256').update(readFileSync(env.requirements)).digest('hex');
}

function requirementsInstalled(env: PythonEnv): boolean {
  const stamp = stampPath(env);
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === requirementsHash(env);
}

/**
 * What a Python binding's probe shares: the environment exists, `versionsScript` (which prints the runner's
 * versions as JSON on its last line) runs in it, and it was installed from the current pins. Returns the versions,
 * or the not-installed result with the cause and `setupHint`.
 */
export async function probePythonEnv(
  home: Home,
  framework: Framework,
  versionsScript: string,
  setupHint: string,
): Promise<{ env: PythonEnv; versions: Record<string, string> } | ProbeResult> {
  const env = pythonEnv(home, framework);
  if (!existsSync(env.python)) return { installed: false, versions: {}, detail: `the ${framework} Python environment ${env.dir} does not exist: ${setupHint}` };
  let versions: Record<string, string>;
  try {
    const { stdout } = await promisify(execFile)(env.python, ['-c', versionsScript], { timeout: 120_000, encoding: 'utf8' });
    versions = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, string>;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { installed: false, versions: {}, detail: `${env.python} cannot import ${framework === 'pytorch' ? 'torch' : framework} (${(e.stderr || e.message).trim().split('\n').pop()}): ${setupHint}` };
  }
  if (!requirementsInstalled(env)) return { installed: false, versions, detail: `${env.dir} was not set up from the current ${env.requirements}: ${setupHint}` };
  return { env, versions };
}

/** The Python runner package, started in the framework's environment. */
export function pythonRunnerLaunch(home: Home, framework: Framework, requestPath: string): LaunchCommand {
  return {
    command: pythonEnv(home, framework).python,
    args: ['-m', 'bindbench_runner', requestPath],
    env: { PYTHONPATH: join(packageRoot, 'runners', 'python'), PYTHONUNBUFFERED: '1' },
  };
}

/** What every Python binding does the same way: set up its framework's environment, and start the runner in it. */
export function pythonBindingEdges(framework: Framework): Pick<BindingDescriptor, 'setup' | 'launch'> {
  return {
    async setup(ctx) {
      await ensurePythonEnv(ctx, framework);
    },
    launch: (home, requestPath) => pythonRunnerLaunch(home, framework, requestPath),
  };
}
