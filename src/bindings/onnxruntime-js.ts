/**
 * onnxruntime/js: ONNX Runtime on Node through onnxruntime-node, the neutral runtime of the infer experiment's `onnx`
 * mode. It runs the `model.onnx` that pytorch/python and tensorflow/python export, so a model can be compared in a
 * runtime that belongs to neither framework. The native onnxruntime library (CPU execution provider) ships inside
 * the npm package; its install script only fetches the CUDA provider from NuGet, so setup runs without it. The runner
 * is the JavaScript runner package (runners/js), which the TensorFlow.js bindings share.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Home } from '../base/home.js';
import type { BindingDescriptor, ProbeResult } from './binding.js';
import { compileRunner, installedVersion, installedVersions, installRunnerPackages, runnerDir, runnerEntry } from './tfjs-node-build.js';

const SETUP = 'run `bindbench setup --bindings onnxruntime/js`';

/** The runner module that serves this binding; an older build of runners/js lacks it. */
export const onnxRunnerModule = join(runnerDir, 'dist', 'onnx-backend.js');

/**
 * Loads onnxruntime-node in a child process, which loads its native library, and lists the execution providers
 * bundled in the package (the ones its install script would download are listed with bundled false).
 */
function bundledProviders(): string[] {
  const script = `const ort = require('onnxruntime-node'); process.stdout.write(JSON.stringify(ort.listSupportedBackends()))`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: runnerDir, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return (JSON.parse(out) as Array<{ name: string; bundled: boolean }>).filter((b) => b.bundled).map((b) => b.name);
}

export const onnxruntimeJs = {
  id: 'onnxruntime/js',
  framework: 'onnx',
  language: 'javascript',
  library: 'onnxruntime-node',
  reference: false,
  needs: [],
  capabilities: {
    train: { supported: false, reason: 'onnxruntime-node is an inference runtime: it runs exported ONNX graphs and has no training API' },
    infer: { supported: true },
    // onnxruntime-node's CUDA execution provider is not in the npm package; its install script downloads it from
    // NuGet, which setup skips (unreachable here), so only the CPU provider exists.
    devices: ['cpu'],
    // Any graph of these models the Python bindings export: float32 NHWC images or int32/int64 token ids in, softmax
    // logits or one pre-sigmoid logit out.
    models: ['lenet1', 'lenet5', 'vgg16', 'lstm', 'gru', 'gru-reset-before', 'bert-minilm'],
    testLimit: true,
    loads: ['onnx'],
    runsAnyFramework: true,
    exports: [],
  },

  async probe(_home: Home): Promise<ProbeResult> {
    const versions = installedVersions(['onnxruntime-node', 'onnxruntime-common']);
    if (!versions['onnxruntime-node']) return { installed: false, versions, detail: `onnxruntime-node is not installed in runners/js: ${SETUP}` };
    if (!existsSync(runnerEntry) || !existsSync(onnxRunnerModule)) return { installed: false, versions, detail: `the runner is not compiled with its ONNX backend (${onnxRunnerModule} is missing): ${SETUP}` };
    let providers: string[];
    try {
      providers = bundledProviders();
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      return { installed: false, versions, detail: `onnxruntime-node does not load (${(e.stderr || e.message).trim().split('\n').slice(-1)[0]}): ${SETUP}` };
    }
    if (!providers.includes('cpu')) return { installed: false, versions, detail: `onnxruntime-node loads but bundles no CPU execution provider (it has ${providers.join(', ') || 'none'}): ${SETUP}` };
    return { installed: true, versions, detail: `onnxruntime-node ${versions['onnxruntime-node']}, native library loads; bundled execution providers ${providers.join(', ')}, the runner uses cpu` };
  },

  async setup(ctx) {
    await installRunnerPackages(ctx);
    ctx.log(`onnxruntime-node ${installedVersion('onnxruntime-node')} is installed in runners/js (CPU binaries from the npm package)`);
    await compileRunner(ctx);
  },

  launch(_home, requestPath) {
    return { command: process.execPath, args: [runnerEntry, requestPath], env: {} };
  },
} satisfies BindingDescriptor;
