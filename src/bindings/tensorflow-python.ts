/**
 * tensorflow/python: TensorFlow's own Python API with Keras 3, the reference binding for TensorFlow. The runner
 * (runners/python/bindbench_runner) builds a keras.Sequential in NHWC and trains it with tf.GradientTape inside
 * tf.function. Its venv pins tensorflow-cpu, whose libtensorflow the JS and Rust TensorFlow bindings link: CPU only.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Home } from '../home.js';
import { packageRoot } from '../home.js';
import type { BindingDescriptor, ProbeResult } from './binding.js';
import { ensurePythonEnv, pythonEnv } from './python-env.js';

const SETUP = 'run `bindbench setup --bindings tensorflow/python`';

/** Prints, as JSON, the versions the runner reports in its start event; fails if tensorflow cannot be imported. */
const VERSIONS_SCRIPT = `
import json, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy, tensorflow, keras
print(json.dumps({"python": sys.version.split()[0], "tensorflow": tensorflow.__version__, "keras": keras.__version__,
                  "numpy": numpy.__version__}))
`;

async function probe(home: Home): Promise<ProbeResult> {
  const env = pythonEnv(home, 'tensorflow');
  if (!existsSync(env.python)) return { installed: false, versions: {}, detail: `the tensorflow Python environment ${env.dir} does not exist: ${SETUP}` };
  let versions: Record<string, string>;
  try {
    const { stdout } = await promisify(execFile)(env.python, ['-c', VERSIONS_SCRIPT], { timeout: 120_000, encoding: 'utf8' });
    versions = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, string>;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { installed: false, versions: {}, detail: `${env.python} cannot import tensorflow (${(e.stderr || e.message).trim().split('\n').pop()}): ${SETUP}` };
  }
  const stamp = join(env.dir, '.bindbench-requirements.sha256');
  const wanted = createHash('sha256').update(readFileSync(env.requirements)).digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== wanted) {
    return { installed: false, versions, detail: `${env.dir} was not set up from the current ${env.requirements}: ${SETUP}` };
  }
  return { installed: true, versions, detail: `tensorflow ${versions.tensorflow} (CPU build) with keras ${versions.keras} in ${env.dir}` };
}

export const tensorflowPython = {
  id: 'tensorflow/python',
  framework: 'tensorflow',
  language: 'python',
  library: 'tensorflow',
  reference: true,
  needs: [],
  capabilities: {
    train: { supported: true },
    infer: { supported: true },
    // The pinned wheel is tensorflow-cpu (it is also the libtensorflow other bindings link); a cuda cell is planned as not supported.
    devices: ['cpu'],
    models: ['lenet1', 'lenet5', 'vgg16', 'lstm', 'gru', 'gru-reset-before'],
    testLimit: true,
    loads: ['safetensors', 'keras', 'savedmodel', 'onnx'],
    // onnx goes through tf2onnx, pinned in the tensorflow venv.
    exports: ['safetensors', 'keras', 'savedmodel', 'onnx'],
  },

  probe,

  async setup(ctx) {
    await ensurePythonEnv(ctx, 'tensorflow');
  },

  launch(home, requestPath) {
    return {
      command: pythonEnv(home, 'tensorflow').python,
      args: ['-m', 'bindbench_runner', requestPath],
      env: { PYTHONPATH: join(packageRoot, 'runners', 'python'), PYTHONUNBUFFERED: '1' },
    };
  },
} satisfies BindingDescriptor;
