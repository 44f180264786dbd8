/**
 * tensorflow/js-wasm: TensorFlow.js with @tensorflow/tfjs-backend-wasm (XNNPACK kernels compiled to WebAssembly,
 * SIMD on, threads off under Node). The backend lacks some gradient kernels — in 4.22.0 Conv2DBackpropFilter — so
 * training a conv net ends in `not_supported` with tfjs's own message; the runner reports it per cell from the
 * thrown error rather than assuming it. It cannot load a SavedModel (that is tfjs-node's libtensorflow). Its models
 * are tfjs-node's (the same tfjs-layers code), so the reset_after=true GRU is missing here too.
 */
import { existsSync } from 'node:fs';
import type { Home } from '../base/home.js';
import type { BindingDescriptor, ProbeResult } from './binding.js';
import { TFJS_LAYERS_CANNOT_HOLD, TFJS_NO_BERT, TFJS_NO_RESET_AFTER_GRU } from './tensorflow-js.js';
import { compileRunner, installedVersions, installRunnerPackages, missingWasmFiles, runnerEntry, wasmDistDir } from './tfjs-node-build.js';

const SETUP = 'run `bindbench setup --bindings tensorflow/js-wasm`';

export const tensorflowJsWasm = {
  id: 'tensorflow/js-wasm',
  framework: 'tensorflow',
  language: 'javascript',
  library: '@tensorflow/tfjs-backend-wasm',
  reference: false,
  needs: [],
  capabilities: {
    // Attempted per cell: a missing gradient kernel surfaces as not_supported with the backend's message.
    train: { supported: true },
    idiomaticTraining: { supported: true, api: 'tf.LayersModel.compile + model.fit, one fit call per epoch' },
    infer: { supported: true },
    devices: ['cpu'],
    models: ['lenet1', 'lenet5', 'vgg16', 'lstm', 'gru-reset-before'],
    missingModels: { gru: TFJS_NO_RESET_AFTER_GRU, 'bert-minilm': `${TFJS_NO_BERT}; and unlike tfjs-node it cannot run the Keras BERT's SavedModel` },
    testLimit: true,
    loads: ['safetensors', 'tfjs-layers'],
    exports: ['safetensors', 'tfjs-layers'],
    formatExceptions: { 'tfjs-layers': TFJS_LAYERS_CANNOT_HOLD },
  },

  async probe(_home: Home): Promise<ProbeResult> {
    const versions = installedVersions(['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers']);
    if (!versions['@tensorflow/tfjs-backend-wasm']) return { installed: false, versions, detail: `@tensorflow/tfjs-backend-wasm is not installed in runners/js: ${SETUP}` };
    const missing = missingWasmFiles();
    if (missing.length > 0) return { installed: false, versions, detail: `${missing.join(', ')} missing from ${wasmDistDir}: reinstall with ${SETUP}` };
    if (!existsSync(runnerEntry)) return { installed: false, versions, detail: `the runner is not compiled (${runnerEntry} is missing): ${SETUP}` };
    return { installed: true, versions, detail: `tfjs-backend-wasm ${versions['@tensorflow/tfjs-backend-wasm']} (WebAssembly on the CPU, SIMD, one thread under Node)` };
  },

  async setup(ctx) {
    await installRunnerPackages(ctx);
    const missing = missingWasmFiles();
    if (missing.length > 0) throw new Error(`@tensorflow/tfjs-backend-wasm is installed but ${missing.join(', ')} are missing from ${wasmDistDir}; the npm package ships them, so reinstall it (rm -rf runners/js/node_modules)`);
    ctx.log(`tfjs-backend-wasm binaries found in ${wasmDistDir}`);
    await compileRunner(ctx);
  },

  launch(_home, requestPath) {
    return { command: process.execPath, args: [runnerEntry, requestPath], env: {} };
  },
} satisfies BindingDescriptor;
