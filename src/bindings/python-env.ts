/**
 * The Python virtual environments the Python runners (and the native libraries other bindings link against) live
 * in: one per framework under the state folder, installed from the pinned requirements in runners/python/.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import type { Home } from '../home.js';
import { packageRoot } from '../home.js';
import type { SetupContext } from './binding.js';

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
  const wanted = createHash('sha256').update(readFileSync(env.requirements)).digest('hex');
  const stamp = join(env.dir, '.bindbench-requirements.sha256');
  if (existsSync(env.python) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === wanted) {
    ctx.log(`${framework} Python environment is up to date (${env.dir})`);
    return env;
  }
  if (!existsSync(env.python)) {
    ctx.log(`creating the ${framework} Python environment in ${env.dir}`);
    await ctx.exec(basePython(), ['-m', 'venv', env.dir]);
  }
  ctx.log(`installing ${framework} requirements from ${env.requirements} (PyPI; the first time can take minutes)`);
  await ctx.exec(env.python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '-r', env.requirements]);
  writeFileSync(stamp, wanted + '\n');
  return env;
}
