/**
 * pytorch/rust: tch (tch-rs), Rust bindings to libtorch's C++ API. The runner (runners/rust/pytorch-runner)
 * builds the zoo model from tch::nn layers whose VarStore names are the canonical names, and links the libtorch
 * of the pytorch environment's torch wheel (tch 0.24.0 pins libtorch 2.11.0), found through an rpath.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Home } from '../base/home.js';
import type { BindingDescriptor } from './binding.js';
import { cargoBuild, cargoBuildVersioned, probeRunner, runnerBinary, rustWorkspace } from './cargo-build.js';
import { ensurePythonEnv, pythonEnv } from './python-env.js';
import { installedVersionsIn, type VersionSupport } from './versions.js';

const SETUP = 'run `bindbench setup --bindings pytorch/rust` (needs cargo and the pytorch Python environment)';

/**
 * The libtorch each tch release is built for (tch's CHANGELOG: "PyTorch v2.x support"); torch-sys refuses any other.
 * `pytorch/rust@<tch version>` installs that torch in a pytorch environment of its own and builds the runner against it.
 */
export const TCH_LIBTORCH: Record<string, string> = {
  '0.17.0': '2.4.0',
  '0.18.0': '2.5.0',
  '0.18.1': '2.5.1',
  '0.19.0': '2.6.0',
  '0.20.0': '2.7.0',
  '0.21.0': '2.8.0',
  '0.22.0': '2.9.0',
  '0.23.0': '2.10.0',
  '0.24.0': '2.11.0',
  '0.25.0': '2.12.0',
  '0.26.0': '2.13.0',
};

const versionDir = (home: Home, version: string) => join(home.build, `rust-tch@${version}`);
const versionBinary = (home: Home, version: string) => join(versionDir(home, version), 'target', 'release', 'pytorch-runner');

const tchVersions: VersionSupport = {
  package: 'tch',
  registry: 'crates.io',
  get pinned() {
    return /^tch = "=([^"]+)"$/m.exec(readFileSync(join(rustWorkspace, 'pytorch-runner', 'Cargo.toml'), 'utf8'))?.[1] ?? 'unknown';
  },
  installed: (home) => installedVersionsIn(home.build, 'rust-tch', (v) => existsSync(versionBinary(home, v))),
  variant(version) {
    const id = `${pytorchRust.id}@${version}`;
    const hint = `run \`bindbench setup --bindings ${id}\``;
    return {
      ...pytorchRust,
      id,
      library: `tch ${version}`,
      reference: false,
      versions: undefined,
      async probe(home) {
        const found = await probeRunner('pytorch-runner', hint, versionBinary(home, version));
        if (found.installed && found.versions.tch !== version) return { ...found, installed: false, detail: `${versionBinary(home, version)} links tch ${found.versions.tch}, not ${version}: ${hint}` };
        return found;
      },
      async setup(ctx) {
        const torch = TCH_LIBTORCH[version];
        if (!torch) throw new Error(`tch ${version} is not available here: bindbench does not know which libtorch it needs (known: ${Object.entries(TCH_LIBTORCH).map(([t, l]) => `tch ${t} with libtorch ${l}`).join(', ')})`);
        const pin = { package: 'torch', version: torch };
        await ensurePythonEnv(ctx, 'pytorch', pin);
        await cargoBuildVersioned(ctx, versionDir(ctx.home, version), { tch: version, 'torch-sys': version }, pythonEnv(ctx.home, 'pytorch', pin));
      },
      launch: (home, requestPath) => ({ command: versionBinary(home, version), args: [requestPath], env: {} }),
    };
  },
};

export const pytorchRust: BindingDescriptor = {
  id: 'pytorch/rust',
  framework: 'pytorch',
  language: 'rust',
  library: 'tch',
  reference: false,
  needs: ['pytorch/python'],
  coreLibrary: 'libtorch',
  capabilities: {
    train: { supported: true },
    idiomaticTraining: { supported: true, api: 'tch nn::VarStore, tch::data::Iter2 batches moved with to_device, backward_step' },
    studyDataOrder: { order: 'natural', script: 'tch 0.5 batches in the files\' order, never shuffled; it also dropped the last partial batch, which `study` does not reproduce (96 of 60,000 MNIST images an epoch)' },
    infer: { supported: true },
    devices: ['cpu', 'cuda'],
    models: ['lenet1', 'lenet5', 'vgg16', 'lstm', 'gru'],
    // A TorchScript module carries its own graph: CModule runs it with int64 token ids (test/runners-rust/study-models.test.ts).
    serializedModels: ['bert-minilm'],
    missingModels: {
      // The runner says the same when asked (runners/rust/pytorch-runner/src/model.rs).
      'gru-reset-before':
        "tch's nn::gru calls libtorch's GRU (at::gru), which has only the reset_after=true form; libtorch has no native reset_after=false GRU, and bindbench does not hand-write one, since the study compares each binding's own layers",
      'bert-minilm':
        "tch has no BERT layers, so pytorch/rust can neither train BERT nor build it to load its safetensors; it runs pytorch/python's BERT TorchScript (serialization) only",
    },
    testLimit: true,
    loads: ['safetensors', 'torchscript'],
    // tch cannot write pickle state dicts, TorchScript or ONNX: those are Python-side.
    exports: ['safetensors'],
  },

  probe: (_home: Home) => probeRunner('pytorch-runner', SETUP),

  async setup(ctx) {
    await ensurePythonEnv(ctx, 'pytorch');
    await cargoBuild(ctx, 'pytorch-runner');
  },

  launch(_home, requestPath) {
    // No library path: build.rs baked torch/lib into the binary's rpath.
    return { command: runnerBinary('pytorch-runner'), args: [requestPath], env: {} };
  },
  get versions() {
    return tchVersions;
  },
};
