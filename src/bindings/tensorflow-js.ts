/**
 * tensorflow/js: TensorFlow.js on Node through @tensorflow/tfjs-node, whose `tensorflow` backend runs every op in
 * native libtensorflow — the JavaScript binding of the study. Built offline against the pinned TensorFlow wheel's
 * libtensorflow (see tfjs-node-build.ts); this is the CPU build, CUDA would need @tensorflow/tfjs-node-gpu.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Home } from '../base/home.js';
import type { BindingDescriptor, ProbeResult } from './binding.js';
import { ensurePythonEnv } from './python-env.js';
import { buildTfjsNode, builtAddon, compileRunner, installedVersions, installRunnerPackages, installVersionedPackages, linkRunner, pinnedVersions, runnerEntry } from './tfjs-node-build.js';
import { installedVersionsIn, type VersionSupport } from './versions.js';

const SETUP = 'run `bindbench setup --bindings tensorflow/js` (needs tensorflow/python: the addon links its libtensorflow)';

/** The runner says the same when asked (runners/js/src/model.ts, unsupportedLayer). */
export const TFJS_NO_RESET_AFTER_GRU =
  'TensorFlow.js has no GRU with reset_after=true: tf.layers.gru (tfjs-layers 4.22) throws "GRUCell does not support reset_after parameter set to true"; its only GRU is the reset_after=false form, run here as gru-reset-before';

/** The runner says the same when asked (runners/js/src/layers.ts, unsupportedLayer). */
export const TFJS_NO_BERT =
  'TensorFlow.js has no BERT layers (tf.layers has no transformer encoder) and bindbench does not hand-write one, so it cannot train BERT or build it to load its safetensors';

/**
 * What the TensorFlow.js Layers format cannot carry: tfjs's layers must rebuild the model, so a Keras model with a
 * layer tfjs lacks loads as a SavedModel instead (runners/python/bindbench_runner/tfjs_layers.py refuses the same).
 */
export const TFJS_LAYERS_CANNOT_HOLD: Record<string, string> = { gru: TFJS_NO_RESET_AFTER_GRU, 'bert-minilm': TFJS_NO_BERT };

/** Loads the addon in a child process and asks libtensorflow its version (TF_Version). */
function libtensorflowVersion(addon: string): string {
  return execFileSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(addon)}).TF_Version)`], {
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** `@<version>`: another @tensorflow/tfjs-node in a node_modules of its own, its addon built against the same libtensorflow. */
const versionDir = (home: Home, version: string) => join(home.envs, `tensorflow-js@${version}`);

async function probeInstall(home: Home, modules: string | undefined, setupHint: string): Promise<ProbeResult> {
  const versions = installedVersions(['@tensorflow/tfjs-node', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'], modules);
  const addon = builtAddon(modules);
  if (!versions['@tensorflow/tfjs-node']) return { installed: false, versions, detail: `@tensorflow/tfjs-node is not installed${modules ? ` in ${modules}` : ' in runners/js'}: ${setupHint}` };
  if (!addon) return { installed: false, versions, detail: `the tfjs-node native addon is not built: ${setupHint}` };
  if (!existsSync(runnerEntry)) return { installed: false, versions, detail: `the runner is not compiled (${runnerEntry} is missing): ${setupHint}` };
  try {
    versions.libtensorflow = libtensorflowVersion(addon);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { installed: false, versions, detail: `the tfjs-node addon ${addon} does not load (${(e.stderr || e.message).trim().split('\n').slice(-1)[0]}): ${setupHint}` };
  }
  return { installed: true, versions, detail: `tfjs-node ${versions['@tensorflow/tfjs-node']} on libtensorflow ${versions.libtensorflow} (CPU build)${modules ? ` in ${modules}` : ''}` };
}

const tfjsVersions: VersionSupport = {
  package: '@tensorflow/tfjs-node',
  registry: 'npm',
  get pinned() {
    return pinnedVersions()['@tensorflow/tfjs-node']!;
  },
  installed: (home) => installedVersionsIn(home.envs, 'tensorflow-js', (v) => builtAddon(join(versionDir(home, v), 'node_modules')) !== null),
  variant(version) {
    const id = `${tensorflowJs.id}@${version}`;
    const hint = `run \`bindbench setup --bindings ${id}\``;
    return {
      ...tensorflowJs,
      id,
      library: `@tensorflow/tfjs-node ${version}`,
      reference: false,
      versions: undefined,
      probe: (home) => probeInstall(home, join(versionDir(home, version), 'node_modules'), hint),
      async setup(ctx) {
        const env = await ensurePythonEnv(ctx, 'tensorflow');
        const dir = versionDir(ctx.home, version);
        await installVersionedPackages(ctx, dir, { '@tensorflow/tfjs-node': version });
        await buildTfjsNode(ctx, join(env.sitePackages(), 'tensorflow'), join(dir, 'node_modules'));
        await compileRunner(ctx);
        linkRunner(dir);
      },
      // The runner's own files, seen from the version's folder: its imports resolve in that folder's node_modules.
      launch: (home, requestPath) => ({ command: process.execPath, args: ['--preserve-symlinks', '--preserve-symlinks-main', join(versionDir(home, version), 'dist', 'main.js'), requestPath], env: {} }),
    };
  },
};

export const tensorflowJs: BindingDescriptor = {
  id: 'tensorflow/js',
  framework: 'tensorflow',
  language: 'javascript',
  library: '@tensorflow/tfjs-node',
  reference: false,
  needs: ['tensorflow/python'],
  coreLibrary: 'libtensorflow',
  capabilities: {
    train: { supported: true },
    idiomaticTraining: { supported: true, api: 'tf.LayersModel.compile + model.fit, one fit call per epoch' },
    studyDataOrder: { order: 'native', script: 'model.fit with its default shuffle=true: a new permutation each epoch' },
    infer: { supported: true },
    devices: ['cpu'],
    models: ['lenet1', 'lenet5', 'vgg16', 'lstm', 'gru-reset-before'],
    missingModels: { gru: TFJS_NO_RESET_AFTER_GRU, 'bert-minilm': TFJS_NO_BERT },
    // tfjs-node runs a Keras SavedModel's graph in libtensorflow, reset_after=true GRU and BERT included
    // (test/runners-js/tfjs-zoo-models.test.ts).
    serializedModels: ['gru', 'bert-minilm'],
    testLimit: true,
    loads: ['safetensors', 'tfjs-layers', 'savedmodel'],
    exports: ['safetensors', 'tfjs-layers'],
    formatExceptions: { 'tfjs-layers': TFJS_LAYERS_CANNOT_HOLD },
  },

  probe: (home: Home) => probeInstall(home, undefined, SETUP),

  async setup(ctx) {
    const env = await ensurePythonEnv(ctx, 'tensorflow');
    await installRunnerPackages(ctx);
    await buildTfjsNode(ctx, join(env.sitePackages(), 'tensorflow'));
    await compileRunner(ctx);
  },

  launch(_home, requestPath) {
    return { command: process.execPath, args: [runnerEntry, requestPath], env: {} };
  },
  get versions() {
    return tfjsVersions;
  },
};
