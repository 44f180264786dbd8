/**
 * pytorch/rust: tch (tch-rs), Rust bindings to libtorch's C++ API. The runner (runners/rust/pytorch-runner)
 * builds the zoo model from tch::nn layers whose VarStore names are the canonical names, and links the libtorch
 * of the pytorch environment's torch wheel (tch 0.24.0 pins libtorch 2.11.0), found through an rpath.
 */
import type { Home } from '../base/home.js';
import type { BindingDescriptor } from './binding.js';
import { cargoBuild, probeRunner, runnerBinary } from './cargo-build.js';
import { ensurePythonEnv } from './python-env.js';

const SETUP = 'run `bindbench setup --bindings pytorch/rust` (needs cargo and the pytorch Python environment)';

export const pytorchRust = {
  id: 'pytorch/rust',
  framework: 'pytorch',
  language: 'rust',
  library: 'tch',
  reference: false,
  needs: ['pytorch/python'],
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
} satisfies BindingDescriptor;
