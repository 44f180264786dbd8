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
import { installedVersionsIn, type VersionSupport } from './versions.js';

type Framework = 'pytorch' | 'tensorflow';

/** A version of one package of the pinned requirements, installed into an environment of its own. */
export interface PythonPin {
  package: string;
  version: string;
  /** The key the binding's probe reports the package's version under, when not the package name (tensorflow-cpu: tensorflow). */
  reportedAs?: string;
}

export interface PythonEnv {
  dir: string;
  python: string;
  /** The requirements file pip installs: the pinned one, or for a pin that file with the package's line changed. */
  requirements: string;
  pin: PythonPin | null;
  /** site-packages of the environment, where torch/ and tensorflow/ live. */
  sitePackages(): string;
}

const pinnedRequirements = (framework: Framework) => join(packageRoot, 'runners', 'python', `requirements-${framework}.txt`);

export function pythonEnv(home: Home, framework: Framework, pin: PythonPin | null = null): PythonEnv {
  const dir = join(home.envs, pin ? `${framework}@${pin.version}` : framework);
  const python = join(dir, 'bin', 'python');
  return {
    dir,
    python,
    requirements: pin ? join(dir, 'requirements.txt') : pinnedRequirements(framework),
    pin,
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
export async function ensurePythonEnv(ctx: SetupContext, framework: Framework, pin: PythonPin | null = null): Promise<PythonEnv> {
  const env = pythonEnv(ctx.home, framework, pin);
  const label = pin ? `${framework} Python environment with ${pin.package} ${pin.version}` : `${framework} Python environment`;
  if (existsSync(env.python) && requirementsInstalled(env)) {
    ctx.log(`${label} is up to date (${env.dir})`);
    return env;
  }
  const text = requirementsText(env);
  if (!existsSync(env.python)) {
    ctx.log(`creating the ${label} in ${env.dir}`);
    await ctx.exec(basePython(), ['-m', 'venv', env.dir]);
  }
  if (pin) writeFileSync(env.requirements, text);
  ctx.log(`installing ${framework} requirements from ${env.requirements} (PyPI; the first time can take minutes)`);
  try {
    await ctx.exec(env.python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '-r', env.requirements]);
  } catch (err) {
    // The registry's answer is the useful part: a version it does not serve, or pins that cannot go together.
    if (pin) throw new Error(`${pin.package} ${pin.version} is not available here: pip could not install ${env.requirements} from PyPI: ${(err as Error).message}`);
    throw err;
  }
  writeFileSync(stampPath(env), createHash('sha256').update(text).digest('hex') + '\n');
  return env;
}

/**
 * The requirements an environment is installed from: the pinned file, or for a pin the pinned file with the
 * package's line set to the pin's version (every other pin unchanged, so two versions differ in that package only).
 */
export function requirementsText(env: PythonEnv): string {
  const pinned = readFileSync(env.pin ? pinnedRequirements(frameworkOfEnv(env)) : env.requirements, 'utf8');
  if (!env.pin) return pinned;
  const { package: pkg, version } = env.pin;
  const line = new RegExp(`^${pkg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}==.*$`, 'm');
  if (!line.test(pinned)) throw new Error(`the pinned requirements have no ${pkg}== line to change`);
  return pinned.replace(line, `${pkg}==${version}`);
}

const frameworkOfEnv = (env: PythonEnv): Framework => (env.dir.split('/').pop()!.split('@')[0] as Framework);

/** The stamp holds the hash of the requirements that were installed, so a changed pin means a stale environment. */
function stampPath(env: PythonEnv): string {
  return join(env.dir, '.bindbench-requirements.sha256');
}

function requirementsHash(env: PythonEnv): string {
  return createHash('sha256').update(requirementsText(env)).digest('hex');
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
  pin: PythonPin | null = null,
): Promise<{ env: PythonEnv; versions: Record<string, string> } | ProbeResult> {
  const env = pythonEnv(home, framework, pin);
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
  const reported = pin ? versions[pin.reportedAs ?? pin.package] : undefined;
  if (pin && !(reported ?? '').startsWith(pin.version)) return { installed: false, versions, detail: `${env.dir} holds ${pin.package} ${reported ?? '(none)'}, not ${pin.version}: ${setupHint}` };
  return { env, versions };
}

/** The Python runner package, started in the framework's environment. */
export function pythonRunnerLaunch(home: Home, framework: Framework, requestPath: string, pin: PythonPin | null = null): LaunchCommand {
  return {
    command: pythonEnv(home, framework, pin).python,
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

/** Python environments of other versions of `pkg` found under the state folder (`<framework>@<version>`). */
export function installedPythonVersions(home: Home, framework: Framework): string[] {
  return installedVersionsIn(home.envs, framework, (v) => existsSync(join(home.envs, `${framework}@${v}`, 'bin', 'python')));
}

/**
 * The `versions` capability of a Python binding: `@<version>` is that version of `pkg` in an environment of its own
 * (`<envs>/<framework>@<version>`), every other pin as the default's. `probe(home, pin)` is the binding's own probe
 * run against that environment.
 */
export function pythonVersions(
  base: () => BindingDescriptor,
  framework: Framework,
  pkg: string,
  probe: (home: Home, pin: PythonPin) => Promise<ProbeResult>,
  reportedAs?: string,
): VersionSupport {
  const pinned = (): string => {
    const m = new RegExp(`^${pkg}==(\\S+)$`, 'm').exec(readFileSync(pinnedRequirements(framework), 'utf8'));
    if (!m) throw new Error(`runners/python/requirements-${framework}.txt pins no ${pkg}`);
    return m[1]!;
  };
  return {
    package: pkg,
    registry: 'PyPI',
    get pinned() {
      return pinned();
    },
    installed: (home) => installedPythonVersions(home, framework),
    variant(version) {
      const b = base();
      const pin: PythonPin = { package: pkg, version, ...(reportedAs ? { reportedAs } : {}) };
      return {
        ...b,
        id: `${b.id}@${version}`,
        library: `${b.library} ${version}`,
        reference: false,
        versions: undefined,
        probe: (home) => probe(home, pin),
        async setup(ctx) {
          await ensurePythonEnv(ctx, framework, pin);
        },
        launch: (home, requestPath) => pythonRunnerLaunch(home, framework, requestPath, pin),
      };
    },
  };
}
