/**
 * Installs and builds the JavaScript runner package (runners/js) offline:
 * - its npm dependencies at the pinned versions, with install scripts off (tfjs-node's install script downloads
 *   libtensorflow 2.9.1 and a prebuilt addon from storage.googleapis.com, onnxruntime-node's downloads its CUDA
 *   execution provider from NuGet; neither host is reachable here, and onnxruntime-node's CPU library ships in the
 *   package);
 * - tfjs-node's native addon, compiled from source against the libtensorflow C API inside the pinned TensorFlow
 *   wheel (`tensorflow-cpu`, see runners/python/requirements-tensorflow.txt);
 * - the runner's TypeScript.
 * Every step checks what is already there first, so a second setup does nothing but recompile the runner.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../base/home.js';
import type { SetupContext } from './binding.js';

export const runnerDir = join(packageRoot, 'runners', 'js');
export const runnerEntry = join(runnerDir, 'dist', 'main.js');
const modulesDir = join(runnerDir, 'node_modules');
export const tfjsNodeDir = join(modulesDir, '@tensorflow', 'tfjs-node');
export const wasmDistDir = join(modulesDir, '@tensorflow', 'tfjs-backend-wasm', 'dist');
/** The binaries tfjs-backend-wasm picks from at run time (plain, SIMD, threaded SIMD). */
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
/** libtensorflow version tfjs-node 4.22.0's install script expects; a file by this name makes it skip its download. */
const TFJS_NODE_EXPECTED_LIBTENSORFLOW = '2.9.1';

/** Version of an installed package of the runner (or of another node_modules folder), or null. */
export function installedVersion(pkg: string, modules: string = modulesDir): string | null {
  const file = join(modules, ...pkg.split('/'), 'package.json');
  if (!existsSync(file)) return null;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The installed versions of the packages that are installed in runners/js, package -> version. */
export function installedVersions(pkgs: readonly string[], modules: string = modulesDir): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const pkg of pkgs) {
    const v = installedVersion(pkg, modules);
    if (v) versions[pkg] = v;
  }
  return versions;
}

/** The pins of runners/js/package.json, package -> version. */
export function pinnedVersions(): Record<string, string> {
  return (JSON.parse(readFileSync(join(runnerDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
}

/** Path of the built tfjs-node addon (lib/napi-v<N>/tfjs_binding.node), or null when it is not built. */
export function builtAddon(modules: string = modulesDir): string | null {
  const lib = join(modules, '@tensorflow', 'tfjs-node', 'lib');
  if (!existsSync(lib)) return null;
  for (const dir of readdirSync(lib).filter((d) => d.startsWith('napi-v')).sort().reverse()) {
    const addon = join(lib, dir, 'tfjs_binding.node');
    if (existsSync(addon)) return addon;
  }
  return null;
}

/** Which pinned packages are missing or at another version. */
function outOfDate(): string[] {
  return Object.entries(pinnedVersions())
    .filter(([pkg, version]) => installedVersion(pkg) !== version)
    .map(([pkg, version]) => `${pkg}@${version}`);
}

export async function installRunnerPackages(ctx: SetupContext): Promise<void> {
  const missing = outOfDate();
  if (missing.length === 0) {
    ctx.log(`runners/js packages are installed at their pinned versions`);
    return;
  }
  ctx.log(`installing runners/js packages (${missing.join(', ')}) from npm with install scripts off`);
  const lockfile = existsSync(join(runnerDir, 'package-lock.json'));
  // --ignore-scripts already keeps onnxruntime-node's postinstall from running; the variable is that script's own
  // switch, so it still skips the CUDA-provider download from NuGet (unreachable here) if scripts ever run.
  await ctx.exec('npm', [lockfile ? 'ci' : 'install', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: runnerDir, env: { ONNXRUNTIME_NODE_INSTALL: 'skip' } });
  const still = outOfDate();
  if (still.length > 0) throw new Error(`npm did not install ${still.join(', ')} in ${runnerDir}`);
}

/**
 * Another version's packages in a folder of its own (`dir/node_modules`), from npm with install scripts off, as the
 * runner's own: a package.json there pins them, so a second setup with the same pins does nothing.
 */
export async function installVersionedPackages(ctx: SetupContext, dir: string, pins: Record<string, string>): Promise<void> {
  const modules = join(dir, 'node_modules');
  const missing = Object.entries(pins).filter(([pkg, v]) => installedVersion(pkg, modules) !== v);
  if (missing.length === 0) {
    ctx.log(`${Object.entries(pins).map(([p, v]) => `${p}@${v}`).join(', ')} installed in ${modules}`);
    return;
  }
  mkdirSync(dir, { recursive: true });
  // type module: the runner's ESM files are seen from here (linkRunner), and Node reads their type from this file.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bindbench-runner-js-version', private: true, type: 'module', dependencies: pins }, null, 2) + '\n');
  ctx.log(`installing ${missing.map(([p, v]) => `${p}@${v}`).join(', ')} into ${dir} from npm with install scripts off`);
  try {
    await ctx.exec('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir });
  } catch (err) {
    throw new Error(`${missing.map(([p, v]) => `${p}@${v}`).join(', ')} is not available here: npm could not install it: ${(err as Error).message}`);
  }
  const still = Object.entries(pins).filter(([pkg, v]) => installedVersion(pkg, modules) !== v);
  if (still.length) throw new Error(`npm did not install ${still.map(([p, v]) => `${p}@${v}`).join(', ')} in ${modules}`);
}

/** `dir/dist` is the compiled runner (a link), so a version runs the same runner code against its own packages. */
export function linkRunner(dir: string): void {
  ensureSymlink(join(runnerDir, 'dist'), join(dir, 'dist'));
}

/** The .wasm binaries must ship in the npm package: the runner points setWasmPaths at this folder. */
export function missingWasmFiles(): string[] {
  return WASM_FILES.filter((f) => !existsSync(join(wasmDistDir, f)));
}

function ensureSymlink(target: string, path: string): boolean {
  try {
    if (lstatSync(path).isSymbolicLink() && readlinkSync(path) === target) return false;
    rmSync(path, { recursive: true, force: true });
  } catch {
    // absent: create it below
  }
  symlinkSync(target, path);
  return true;
}

/**
 * Points tfjs-node's deps/ at the wheel's libtensorflow: the two shared libraries, the unversioned names the
 * linker looks for (-ltensorflow -ltensorflow_framework), the 2.9.1 name that stops its install script from
 * downloading, and the C headers.
 */
export function linkLibtensorflow(ctx: SetupContext, tensorflowDir: string, modules: string = modulesDir): void {
  const tfjsNodeDir = join(modules, '@tensorflow', 'tfjs-node');
  const libs = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'];
  for (const lib of libs) {
    if (!existsSync(join(tensorflowDir, lib))) throw new Error(`${join(tensorflowDir, lib)} is missing: the TensorFlow wheel in the tensorflow Python environment should ship it (tensorflow-cpu 2.21.0 does)`);
  }
  if (!existsSync(join(tensorflowDir, 'include', 'tensorflow', 'c', 'c_api.h'))) throw new Error(`${join(tensorflowDir, 'include')} has no tensorflow/c/c_api.h: the TensorFlow wheel's C headers are missing`);
  const depsLib = join(tfjsNodeDir, 'deps', 'lib');
  mkdirSync(depsLib, { recursive: true });
  const links: Array<[string, string]> = [
    [join(tensorflowDir, 'libtensorflow_cc.so.2'), 'libtensorflow_cc.so.2'],
    [join(tensorflowDir, 'libtensorflow_framework.so.2'), 'libtensorflow_framework.so.2'],
    ['libtensorflow_cc.so.2', 'libtensorflow.so'],
    ['libtensorflow_framework.so.2', 'libtensorflow_framework.so'],
    ['libtensorflow_cc.so.2', `libtensorflow.so.${TFJS_NODE_EXPECTED_LIBTENSORFLOW}`],
  ];
  let changed = 0;
  for (const [target, name] of links) if (ensureSymlink(target, join(depsLib, name))) changed++;
  if (ensureSymlink(join(tensorflowDir, 'include'), join(tfjsNodeDir, 'deps', 'include'))) changed++;
  ctx.log(changed ? `linked ${tensorflowDir} into ${join(tfjsNodeDir, 'deps')}` : `tfjs-node deps/ already point at ${tensorflowDir}`);
}

/**
 * The folder node-gyp takes Node's C headers from (`nodedir`): without one it downloads them, which fails here.
 * Debian's nodejs keeps them in /usr/include/node.
 */
export function nodeHeadersDir(): string {
  const nodedir = process.env.npm_config_nodedir || '/usr';
  const header = join(nodedir, 'include', 'node', 'node_api.h');
  if (!existsSync(header)) {
    throw new Error(
      `Node's C headers are missing (${header} not found), and node-gyp cannot download them here. ` +
        'On Debian install them with `apt-get install libnode-dev`, or point npm_config_nodedir at a folder with include/node/.',
    );
  }
  return nodedir;
}

interface BuildStamp {
  libtensorflow: string;
  size: number;
  mtimeMs: number;
  node: string;
}

function wantedStamp(tensorflowDir: string): BuildStamp {
  const lib = realpathSync(join(tensorflowDir, 'libtensorflow_cc.so.2'));
  const st = statSync(lib);
  return { libtensorflow: lib, size: st.size, mtimeMs: st.mtimeMs, node: process.versions.node };
}

const stampPath = (modules: string): string => join(modules, '@tensorflow', 'tfjs-node', 'lib', '.bindbench-build.json');

/** Builds tfjs-node's addon against the wheel's libtensorflow unless the same build is already there. */
export async function buildTfjsNode(ctx: SetupContext, tensorflowDir: string, modules: string = modulesDir): Promise<void> {
  const tfjsNodeDir = join(modules, '@tensorflow', 'tfjs-node');
  linkLibtensorflow(ctx, tensorflowDir, modules);
  const wanted = wantedStamp(tensorflowDir);
  if (builtAddon(modules) && existsSync(stampPath(modules)) && readFileSync(stampPath(modules), 'utf8') === JSON.stringify(wanted)) {
    ctx.log(`tfjs-node addon is built against ${wanted.libtensorflow} (${builtAddon(modules)})`);
    return;
  }
  const nodedir = nodeHeadersDir();
  ctx.log(`building the tfjs-node addon from source against ${tensorflowDir} (node-gyp, nodedir=${nodedir})`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env.npm_config_nodedir = nodedir;
  await ctx.exec(join(modules, '.bin', 'node-pre-gyp'), ['install', '--build-from-source'], { cwd: tfjsNodeDir, env });
  const addon = builtAddon(modules);
  if (!addon) throw new Error(`node-pre-gyp finished but no tfjs_binding.node is under ${join(tfjsNodeDir, 'lib')}`);
  writeFileSync(stampPath(modules), JSON.stringify(wanted));
  ctx.log(`built ${addon}`);
}

/** Compiles runners/js/src to runners/js/dist with the TypeScript bindbench itself is built with. */
export async function compileRunner(ctx: SetupContext): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  ctx.log('compiling the JavaScript runner (runners/js/src -> runners/js/dist)');
  await ctx.exec(process.execPath, [tsc, '-p', join(runnerDir, 'tsconfig.json')]);
}
