/**
 * tensorflow/rust: the `tensorflow` crate, Rust bindings to TensorFlow's C API. The runner
 * (runners/rust/tensorflow-runner) runs inference on SavedModels written by tensorflow/python; it links the
 * libtensorflow inside the tensorflow environment's wheel, which tensorflow-sys finds through a pkg-config file
 * that setup writes (without one, tensorflow-sys tries to download libtensorflow, which fails offline).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Home } from '../base/home.js';
import type { BindingDescriptor, SetupContext } from './binding.js';
import { cargoBuild, pkgConfigDir, probeRunner, runnerBinary } from './cargo-build.js';
import { ensurePythonEnv, type PythonEnv } from './python-env.js';

const SETUP = 'run `bindbench setup --bindings tensorflow/rust` (needs cargo and the tensorflow Python environment)';

export const TRAIN_UNSUPPORTED =
  'the tensorflow crate exposes no Keras-like layers or optimizers; training would need hand-built graphs (as in the study, inference only)';

export interface TensorflowPkgConfig {
  /** Folder to put on PKG_CONFIG_PATH. */
  pkgConfigDir: string;
  pcFile: string;
  /** Folder with the unversioned names the linker resolves -ltensorflow and -ltensorflow_framework to. */
  linkDir: string;
}

export function tensorflowPkgConfigPaths(home: Home): TensorflowPkgConfig {
  const dir = pkgConfigDir(home);
  return { pkgConfigDir: dir, pcFile: join(dir, 'tensorflow.pc'), linkDir: join(home.build, 'libtensorflow', 'lib') };
}

function ensureSymlink(target: string, path: string): void {
  if (existsSync(path) || isDanglingLink(path)) {
    if (lstatSync(path).isSymbolicLink() && readlinkSync(path) === target) return;
    rmSync(path, { force: true });
  }
  symlinkSync(target, path);
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Writes tensorflow.pc for the wheel's tensorflow/ folder. The wheel ships the C API in libtensorflow_cc.so.2
 * with TF_NewTensor and friends in libtensorflow_framework.so.2, so both are linked; the linker needs the
 * unversioned names, which are links in `linkDir`. `runtime_libdir` (the wheel folder itself, where the sonames
 * live) is read by the runner's build.rs for its rpath. Rewrites only what differs, so it is idempotent.
 */
export function writeTensorflowPkgConfig(home: Home, wheelDir: string, version: string): TensorflowPkgConfig {
  const paths = tensorflowPkgConfigPaths(home);
  for (const lib of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2']) {
    if (!existsSync(join(wheelDir, lib))) {
      throw new Error(`${join(wheelDir, lib)} is missing: the tensorflow environment's wheel should ship it (tensorflow-cpu 2.21.0 does); reinstall with \`bindbench setup --bindings tensorflow/python\``);
    }
  }
  if (!existsSync(join(wheelDir, 'include', 'tensorflow', 'c', 'c_api.h'))) {
    throw new Error(`${join(wheelDir, 'include')} has no tensorflow/c/c_api.h: the wheel's C headers are missing`);
  }
  mkdirSync(paths.linkDir, { recursive: true });
  mkdirSync(paths.pkgConfigDir, { recursive: true });
  ensureSymlink(join(wheelDir, 'libtensorflow_cc.so.2'), join(paths.linkDir, 'libtensorflow.so'));
  ensureSymlink(join(wheelDir, 'libtensorflow_framework.so.2'), join(paths.linkDir, 'libtensorflow_framework.so'));
  const pc = [
    `libdir=${paths.linkDir}`,
    `runtime_libdir=${wheelDir}`,
    `includedir=${join(wheelDir, 'include')}`,
    '',
    'Name: tensorflow',
    `Description: TensorFlow C API from the tensorflow wheel in ${wheelDir}`,
    `Version: ${version}`,
    'Libs: -L${libdir} -ltensorflow -ltensorflow_framework',
    'Cflags: -I${includedir}',
    '',
  ].join('\n');
  if (!existsSync(paths.pcFile) || readFileSync(paths.pcFile, 'utf8') !== pc) writeFileSync(paths.pcFile, pc);
  return paths;
}

/** The installed TensorFlow distribution's version (tensorflow-cpu or tensorflow), without importing it. */
function wheelVersion(env: PythonEnv): string {
  const script =
    'from importlib.metadata import version, PackageNotFoundError\n' +
    'for name in ("tensorflow-cpu", "tensorflow"):\n' +
    '    try:\n        print(version(name)); break\n' +
    '    except PackageNotFoundError:\n        pass\n';
  const out = execFileSync(env.python, ['-c', script], { encoding: 'utf8' }).trim();
  if (!out) throw new Error(`no tensorflow distribution is installed in ${env.dir}: run \`bindbench setup --bindings tensorflow/python\``);
  return out;
}

async function setup(ctx: SetupContext): Promise<void> {
  const env = await ensurePythonEnv(ctx, 'tensorflow');
  const wheelDir = join(env.sitePackages(), 'tensorflow');
  const pkg = writeTensorflowPkgConfig(ctx.home, wheelDir, wheelVersion(env));
  ctx.log(`pkg-config file ${pkg.pcFile} points at ${wheelDir}`);
  await cargoBuild(ctx, 'tensorflow-runner');
}

export const tensorflowRust = {
  id: 'tensorflow/rust',
  framework: 'tensorflow',
  language: 'rust',
  library: 'tensorflow (crate)',
  reference: false,
  needs: ['tensorflow/python'],
  coreLibrary: 'libtensorflow',
  capabilities: {
    train: { supported: false, reason: TRAIN_UNSUPPORTED },
    infer: { supported: true },
    // The pinned wheel is tensorflow-cpu: its libtensorflow has no GPU kernels.
    devices: ['cpu'],
    // Inference only, on tensorflow/python's SavedModels, so every model that binding exports (both GRU forms, and
    // the Keras BERT that carries pytorch/python's fine-tuned weights).
    models: ['lenet1', 'lenet5', 'vgg16', 'lstm', 'gru', 'gru-reset-before', 'bert-minilm'],
    testLimit: true,
    loads: ['savedmodel'],
    exports: [],
  },

  probe: (_home: Home) => probeRunner('tensorflow-runner', SETUP),

  setup,

  launch(_home, requestPath) {
    // No library path: build.rs baked the wheel's folder into the binary's rpath.
    return { command: runnerBinary('tensorflow-runner'), args: [requestPath], env: {} };
  },
} satisfies BindingDescriptor;
