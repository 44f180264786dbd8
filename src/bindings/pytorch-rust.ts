/**
 * pytorch/rust: tch (tch-rs), Rust bindings to libtorch's C++ API. The runner (runners/rust/pytorch-runner)
 * builds the zoo model from tch::nn layers whose VarStore names are the canonical names, and links the libtorch
 * of the pytorch environment's torch wheel (tch 0.24.0 pins libtorch 2.11.0), found through an rpath.
 */
import type { Home } from '../home.js';
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
    infer: { supported: true },
    devices: ['cpu', 'cuda'],
    models: ['lenet1', 'lenet5'],
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
