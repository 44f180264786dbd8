/**
 * Builds the Rust runners (runners/rust, one cargo workspace) and reads back what they link. Cargo's own
 * incremental build makes a second setup a no-op; a failed build is turned into the cause and the fix, because
 * cargo's raw output for a missing native library is long and the useful line is easy to miss.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { Home } from '../base/home.js';
import { packageRoot } from '../base/home.js';
import type { ProbeResult, SetupContext } from './binding.js';
import { pythonEnv } from './python-env.js';

export const rustWorkspace = join(packageRoot, 'runners', 'rust');

export type RustRunner = 'pytorch-runner' | 'tensorflow-runner';

/** Where `cargo build --release` leaves a runner. */
export function runnerBinary(runner: RustRunner): string {
  return join(rustWorkspace, 'target', 'release', runner);
}

/** cargo from CARGO, PATH, or rustup's default ~/.cargo/bin; null when none exists. */
export function findCargo(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [
    env.CARGO,
    ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'cargo')),
    join(homedir(), '.cargo', 'bin', 'cargo'),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? null;
}

/** Where setup writes tensorflow.pc (see tensorflow-rust.ts). */
export function pkgConfigDir(home: Home): string {
  return join(home.build, 'pkgconfig');
}

/**
 * The one environment both runners are built with. It must be the same for both: build scripts they share
 * (bzip2-sys, via the pkg-config crate) record PKG_CONFIG_PATH, and building the two runners with different
 * values would make each build invalidate the other's dependencies. torch-sys runs `python` when VIRTUAL_ENV is
 * set (else python3) to find torch's headers and libraries; tensorflow-sys asks pkg-config for libtensorflow.
 */
export function rustBuildEnv(home: Home, inherited: NodeJS.ProcessEnv = process.env, torch = pythonEnv(home, 'pytorch')): Record<string, string> {
  return {
    VIRTUAL_ENV: torch.dir,
    PATH: [join(torch.dir, 'bin'), inherited.PATH ?? ''].join(delimiter),
    LIBTORCH_USE_PYTORCH: '1',
    PKG_CONFIG_PATH: inherited.PKG_CONFIG_PATH ? [pkgConfigDir(home), inherited.PKG_CONFIG_PATH].join(delimiter) : pkgConfigDir(home),
  };
}

/** `.bindbench/build/rust-env.sh`: the build environment as shell exports, for running cargo by hand. */
export function writeRustEnvFile(home: Home, env: Record<string, string>): string {
  const path = join(home.build, 'rust-env.sh');
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const text =
    '# Written by `bindbench setup` for pytorch/rust and tensorflow/rust: source it before running cargo in runners/rust\n' +
    '# so hand-made builds use the environment setup uses (and do not rebuild its dependencies).\n' +
    Object.entries(env)
      .filter(([k]) => k !== 'PATH')
      .map(([k, v]) => `export ${k}=${quote(v)}`)
      .join('\n') +
    `\nexport PATH=${quote(join(env.VIRTUAL_ENV ?? '', 'bin'))}:"$PATH"\n`;
  mkdirSync(home.build, { recursive: true });
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
  return path;
}

const NO_CARGO =
  'cargo (the Rust toolchain) was not found on PATH, in CARGO or in ~/.cargo/bin. Install it with rustup ' +
  '(`curl https://sh.rustup.rs -sSf | sh`, or `apt-get install rustup && rustup default stable`) or Debian\'s `cargo` ' +
  'package (needs Rust 1.79 or later), then run setup again; set CARGO=/path/to/cargo to use another one.';

/**
 * The pytorch runner built against another tch in a workspace of its own (`<home>/build/rust-tch@<v>`): the same
 * sources (linked), its Cargo.toml pinning that tch and torch-sys, built with the torch of a pytorch environment of
 * the matching version. Cargo resolves the new pins from crates.io (no --locked: the lock file is the default's).
 */
export async function cargoBuildVersioned(ctx: SetupContext, dir: string, pins: Record<string, string>, torch: ReturnType<typeof pythonEnv>): Promise<string> {
  const cargo = findCargo();
  if (!cargo) throw new Error(NO_CARGO);
  mkdirSync(join(dir, 'pytorch-runner'), { recursive: true });
  const workspace = readFileSync(join(rustWorkspace, 'Cargo.toml'), 'utf8').replace(/^members = \[.*\]$/m, 'members = ["protocol", "build-support", "pytorch-runner"]');
  writeIfChanged(join(dir, 'Cargo.toml'), workspace);
  let manifest = readFileSync(join(rustWorkspace, 'pytorch-runner', 'Cargo.toml'), 'utf8');
  for (const [krate, version] of Object.entries(pins)) {
    const line = new RegExp(`^${krate} = "=[^"]+"$`, 'm');
    if (!line.test(manifest)) throw new Error(`runners/rust/pytorch-runner/Cargo.toml pins no ${krate}`);
    manifest = manifest.replace(line, `${krate} = "=${version}"`);
  }
  writeIfChanged(join(dir, 'pytorch-runner', 'Cargo.toml'), manifest);
  if (!existsSync(join(dir, 'Cargo.lock'))) writeFileSync(join(dir, 'Cargo.lock'), readFileSync(join(rustWorkspace, 'Cargo.lock')));
  for (const [link, target] of [['protocol', 'protocol'], ['build-support', 'build-support'], [join('pytorch-runner', 'src'), join('pytorch-runner', 'src')], [join('pytorch-runner', 'build.rs'), join('pytorch-runner', 'build.rs')]]) {
    if (!existsSync(join(dir, link!))) symlinkSync(join(rustWorkspace, target!), join(dir, link!));
  }
  const env = rustBuildEnv(ctx.home, process.env, torch);
  ctx.log(`building pytorch-runner with ${Object.entries(pins).map(([k, v]) => `${k} ${v}`).join(', ')} in ${dir} (release; the first build compiles every dependency and takes minutes)`);
  try {
    await ctx.exec(cargo, ['build', '--release', '-p', 'pytorch-runner'], { cwd: dir, env });
  } catch (err) {
    const output = (err as Error).message;
    throw new Error(`cargo build of pytorch-runner with ${Object.entries(pins).map(([k, v]) => `${k} ${v}`).join(', ')} failed: ${diagnoseCargoFailure(output)}\n${output}`);
  }
  const binary = join(dir, 'target', 'release', 'pytorch-runner');
  if (!existsSync(binary)) throw new Error(`cargo reported success but ${binary} does not exist`);
  return binary;
}

function writeIfChanged(path: string, text: string): void {
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
}

/** Known causes in cargo's output, each with the fix a user can act on. */
const DIAGNOSES: Array<{ pattern: RegExp; cause: string; fix: string }> = [
  {
    pattern: /this tch version expects PyTorch ([\d.]+), got ([\w.+]+)/,
    cause: 'tch 0.24.0 needs libtorch 2.11.0, and the pytorch environment has another torch',
    fix: 'reinstall the pytorch environment from runners/python/requirements-pytorch.txt (torch==2.11.0): `bindbench setup --bindings pytorch/python`',
  },
  {
    pattern: /error running "python"|No module named 'torch'|no cxx11 abi returned by python/,
    cause: "torch-sys could not import torch from the pytorch environment's python",
    fix: 'repair the environment with `bindbench setup --bindings pytorch/python`',
  },
  {
    pattern: /pkg-config knows no `tensorflow`|cannot find -ltensorflow|tensorflow-sys.*(curl|download|bazel)/i,
    cause: 'the linker did not find libtensorflow through pkg-config',
    fix: 'check .bindbench/build/pkgconfig/tensorflow.pc and the links in .bindbench/build/libtensorflow/lib (setup writes them from the tensorflow environment\'s wheel); rerun `bindbench setup --bindings tensorflow/rust`',
  },
  {
    pattern: /undefined reference to `(TF_|TFE_)/,
    cause: 'libtensorflow was found but lacks C API symbols the crate binds',
    fix: 'the wheel must be tensorflow-cpu 2.21.0 (both libtensorflow_cc.so.2 and libtensorflow_framework.so.2 are linked); reinstall with `bindbench setup --bindings tensorflow/python`',
  },
  {
    pattern: /linker `cc` not found|cannot find -lgomp|cannot find -lstdc\+\+|error: failed to run custom build command for `(cc|torch-sys)`[\s\S]*(g\+\+|c\+\+): not found/,
    cause: 'the C/C++ toolchain that torch-sys and the linker need is missing',
    fix: 'install it (Debian: `apt-get install build-essential pkg-config`) and run setup again',
  },
  {
    pattern: /failed to (download|get|fetch)|Couldn't resolve host|spurious network error|failed to query replaced source registry/i,
    cause: 'cargo could not fetch crates from crates.io',
    fix: 'make crates.io reachable (or configure a mirror in ~/.cargo/config.toml) and run setup again; Cargo.lock pins every crate',
  },
];

export function diagnoseCargoFailure(output: string): string {
  const hit = DIAGNOSES.find((d) => d.pattern.test(output));
  return hit ? `${hit.cause}. Fix: ${hit.fix}` : 'see the cargo output above for the first `error:` line';
}

/**
 * `cargo build --release --locked -p <runner>` in runners/rust with the shared build environment.
 * Throws with the diagnosed cause, the fix, and cargo's output tail.
 */
export async function cargoBuild(ctx: SetupContext, runner: RustRunner): Promise<void> {
  const cargo = findCargo();
  if (!cargo) throw new Error(NO_CARGO);
  const env = rustBuildEnv(ctx.home);
  writeRustEnvFile(ctx.home, env);
  ctx.log(`building ${runner} with ${cargo} (release; the first build compiles the dependencies and takes minutes)`);
  try {
    await ctx.exec(cargo, ['build', '--release', '--locked', '-p', runner], { cwd: rustWorkspace, env });
  } catch (err) {
    const output = (err as Error).message;
    throw new Error(`cargo build of ${runner} failed: ${diagnoseCargoFailure(output)}\n${output}`);
  }
  if (!existsSync(runnerBinary(runner))) throw new Error(`cargo reported success but ${runnerBinary(runner)} does not exist`);
}

/**
 * Probes a built runner by running `<runner> --version` (it prints the linked versions as JSON). Running it,
 * rather than only checking the file, also proves the loader finds the native libraries through the rpath.
 */
export async function probeRunner(runner: RustRunner, setupHint: string, binary = runnerBinary(runner)): Promise<ProbeResult> {
  if (!existsSync(binary)) return { installed: false, versions: {}, detail: `the runner ${binary} is not built: ${setupHint}` };
  try {
    const { stdout } = await promisify(execFile)(binary, ['--version'], { timeout: 60_000, encoding: 'utf8' });
    const versions = JSON.parse(stdout.trim()) as Record<string, string>;
    return { installed: true, versions, detail: `${binary} (${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')})` };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const reason = (e.stderr || e.message).trim().split('\n').pop();
    return { installed: false, versions: {}, detail: `${binary} exists but does not start (${reason}); rebuild it: ${setupHint}` };
  }
}
