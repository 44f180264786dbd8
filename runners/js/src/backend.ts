/**
 * Loads TensorFlow.js with the backend the request's binding names, and reports what was loaded:
 * - `tensorflow/js`: @tensorflow/tfjs-node, whose backend `tensorflow` runs every op in native libtensorflow;
 * - `tensorflow/js-wasm`: @tensorflow/tfjs with @tensorflow/tfjs-backend-wasm (XNNPACK compiled to WebAssembly).
 * Only this file knows which package is which; the rest of the runner sees one `tf` API.
 */
import { cpus } from 'node:os';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { RunnerError } from './protocol.js';

export type Tf = typeof TF;

/** tfjs-node's SavedModel loader (the `tf.node` namespace); absent on wasm. */
export type LoadSavedModel = (path: string, tags?: string[], signature?: string) => Promise<SavedModel>;
export interface SavedModel {
  predict(input: TF.Tensor): TF.Tensor | TF.Tensor[] | Record<string, TF.Tensor>;
  dispose(): void;
}

export interface Backend {
  tf: Tf;
  /** tf.backend's registered name: `tensorflow` or `wasm`. */
  name: string;
  /** The package that is the binding under test. */
  library: string;
  versions: Record<string, string>;
  settings: Record<string, string | number | boolean | null>;
  loadSavedModel: LoadSavedModel | null;
}

const require = createRequire(import.meta.url);

/** CommonJS packages imported from ESM arrive as a namespace with the exports object as `default`. */
function cjs<T>(mod: unknown): T {
  const m = mod as { default?: T };
  return (m.default ?? mod) as T;
}

function tfjsVersions(tf: Tf): Record<string, string> {
  const v = tf.version as Record<string, string>;
  return {
    'tfjs-core': v['tfjs-core'] ?? 'unknown',
    'tfjs-layers': v['tfjs-layers'] ?? 'unknown',
    node: process.versions.node,
  };
}

async function loadNode(): Promise<Backend> {
  type TfNode = Tf & { node: { loadSavedModel: LoadSavedModel }; version: Record<string, string> };
  const tf = cjs<TfNode>(await import('@tensorflow/tfjs-node'));
  if (!(await tf.setBackend('tensorflow'))) throw new RunnerError('failed', 'tfjs-node loaded but its backend `tensorflow` did not initialise');
  await tf.ready();
  // The addon reports the libtensorflow it is linked against (TF_Version from the C API).
  const native = tf.backend() as unknown as { binding?: { TF_Version?: string } };
  return {
    tf,
    name: tf.getBackend(),
    library: '@tensorflow/tfjs-node',
    versions: { ...tfjsVersions(tf), '@tensorflow/tfjs-node': tf.version['tfjs-node'] ?? 'unknown', libtensorflow: native.binding?.TF_Version ?? 'unknown' },
    // libtensorflow picks its own intra-/inter-op thread pools; tfjs-node exposes no switch for them or for determinism.
    settings: {
      backend: 'tensorflow',
      // libtensorflow reads TF_NUM_INTRAOP_THREADS/TF_NUM_INTEROP_THREADS when it makes its pools (main.ts sets them).
      threads: process.env.TF_NUM_INTRAOP_THREADS ? `TF_NUM_INTRAOP_THREADS=${process.env.TF_NUM_INTRAOP_THREADS}` : 'libtensorflow default',
      // libtensorflow 2.21 on x86 runs oneDNN kernels unless TF_ENABLE_ONEDNN_OPTS=0; they may reorder float sums.
      onednn: process.env.TF_ENABLE_ONEDNN_OPTS ?? 'default',
      deterministic_ops: null,
    },
    loadSavedModel: tf.node.loadSavedModel,
  };
}

async function loadWasm(): Promise<Backend> {
  const tf = cjs<Tf>(await import('@tensorflow/tfjs'));
  const wasm = cjs<typeof import('@tensorflow/tfjs-backend-wasm')>(await import('@tensorflow/tfjs-backend-wasm'));
  // Under Node the backend would look for the .wasm files beside the calling script; they ship in the package's dist/.
  const distDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(distDir + '/');
  if (!(await tf.setBackend('wasm'))) throw new RunnerError('failed', `tfjs-backend-wasm did not initialise (wasm files looked up in ${distDir})`);
  await tf.ready();
  return {
    tf,
    name: tf.getBackend(),
    library: '@tensorflow/tfjs-backend-wasm',
    versions: { ...tfjsVersions(tf), '@tensorflow/tfjs-backend-wasm': wasm.version_wasm },
    settings: {
      backend: 'wasm',
      simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
      // The backend turns threads off under Node whatever the flag says; getThreadsCount reports what XNNPACK uses.
      threads: wasm.getThreadsCount(),
      deterministic_ops: null,
    },
    loadSavedModel: null,
  };
}

export async function loadBackend(binding: string): Promise<Backend> {
  switch (binding) {
    case 'tensorflow/js':
      return loadNode();
    case 'tensorflow/js-wasm':
      return loadWasm();
    default:
      throw new RunnerError('bad_request', `binding ${binding} is not served by the JS runner`);
  }
}

export function deviceName(): string {
  return cpus()[0]?.model.trim() ?? 'cpu';
}
