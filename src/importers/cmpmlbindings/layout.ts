/**
 * The study's folder layout as data: `data/<framework>/<model>/<lang>/`, how its language folders map to bindbench
 * binding ids, the test/train set sizes its accuracies are fractions of, and its hyper-parameters (from the study's
 * own training code, asgaardlab/CmpMLBindings `*_bindings/py/cv/`).
 */
import type { LoadMode } from '../../protocol/cell.js';
import type { ArtifactFormat } from '../../protocol/request.js';

export const STUDY_FRAMEWORKS = ['pytorch', 'tensorflow'] as const;
export type StudyFramework = (typeof STUDY_FRAMEWORKS)[number];

/** The study's language folders, in its order (Python first: the reference). */
export const STUDY_LANGUAGES = ['py', 'dotnet', 'rs', 'ts'] as const;
export type StudyLanguage = (typeof STUDY_LANGUAGES)[number];

export const LANGUAGE_BINDING: Record<StudyLanguage, { suffix: string; language: string }> = {
  py: { suffix: 'python', language: 'python' },
  dotnet: { suffix: 'csharp', language: 'csharp' },
  rs: { suffix: 'rust', language: 'rust' },
  ts: { suffix: 'js', language: 'javascript' },
};

export function bindingOf(framework: StudyFramework, lang: StudyLanguage): string {
  return `${framework}/${LANGUAGE_BINDING[lang].suffix}`;
}

export interface StudyModel {
  dataset: 'mnist' | 'cifar10' | 'imdb';
  testN: number;
  trainN: number;
  batchSize: number;
  optimizer: { name: 'sgd' | 'adam'; learning_rate: number };
  /** What the optimizer line above leaves out. */
  optimizerNote: string;
  loss: string;
}

const mnist = { dataset: 'mnist', testN: 10_000, trainN: 60_000 } as const;
const cifar = { dataset: 'cifar10', testN: 10_000, trainN: 50_000 } as const;
const imdb = { dataset: 'imdb', testN: 25_000, trainN: 25_000 } as const;

/** `grurb` is TensorFlow's GRU with reset_after=False (what TensorFlow.js supports). */
export const STUDY_MODELS: Record<string, StudyModel> = {
  lenet1: { ...mnist, batchSize: 128, optimizer: { name: 'sgd', learning_rate: 0.05 }, optimizerNote: 'no momentum', loss: 'sparse_categorical_crossentropy' },
  lenet5: { ...mnist, batchSize: 128, optimizer: { name: 'sgd', learning_rate: 0.05 }, optimizerNote: 'no momentum', loss: 'sparse_categorical_crossentropy' },
  vgg16: { ...cifar, batchSize: 128, optimizer: { name: 'sgd', learning_rate: 0.05 }, optimizerNote: 'no momentum, no weight decay (the study ran its scripts\' --sgd_lr_only setting)', loss: 'sparse_categorical_crossentropy' },
  lstm: { ...imdb, batchSize: 256, optimizer: { name: 'adam', learning_rate: 8e-5 }, optimizerNote: '', loss: 'binary_crossentropy' },
  gru: { ...imdb, batchSize: 256, optimizer: { name: 'adam', learning_rate: 3e-4 }, optimizerNote: '', loss: 'binary_crossentropy' },
  grurb: { ...imdb, batchSize: 256, optimizer: { name: 'adam', learning_rate: 3e-4 }, optimizerNote: '', loss: 'binary_crossentropy' },
};

/** The study trained every model on its GPU; the Rust and TypeScript time files do not repeat the device. */
export const TRAINING_DEVICE = 'cuda' as const;

/** One `deploy_eval_*` file name, decoded. */
export interface DeployFileName {
  device: 'cpu' | 'cuda';
  loadMode: Extract<LoadMode, 'states' | 'serialization'>;
  /** The Python model was saved with torch.jit.script (PyTorch); otherwise traced, or not TorchScript at all. */
  scripted: boolean;
  /** The study's own name of the mode, e.g. `states_scripted`. */
  studyMode: string;
}

const DEVICE_SPELLINGS: Record<string, 'cpu' | 'cuda'> = { cpu: 'cpu', CPU: 'cpu', Cpu: 'cpu', gpu: 'cuda', CUDA: 'cuda', 'Cuda(0)': 'cuda' };
const DEPLOY_NAME = /^deploy_eval_(cpu|CPU|Cpu|gpu|CUDA|Cuda\(0\))_(states|serialization)(_scripted)?\.(json|txt)$/;

/** Decodes a deploy_eval file name, or null when it is not one. */
export function parseDeployFileName(name: string): DeployFileName | null {
  const m = DEPLOY_NAME.exec(name);
  if (!m) return null;
  const loadMode = m[2] as 'states' | 'serialization';
  return { device: DEVICE_SPELLINGS[m[1]!]!, loadMode, scripted: m[3] !== undefined, studyMode: `${loadMode}${m[3] ?? ''}` };
}

/** `time_cost_<i>.txt`, `time_cost_gpu_<i>.json`, `time_cost_CUDA_<i>.txt`: the run index, or null. */
export function parseTimeCostFileName(name: string): number | null {
  const m = /^time_cost_(?:(?:gpu|cpu|CUDA|CPU)_)?(\d+)\.(json|txt)$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** What each framework's loading mode reads, in bindbench's artifact vocabulary (closest match). */
export function artifactFormatOf(framework: StudyFramework, lang: StudyLanguage, loadMode: 'states' | 'serialization'): ArtifactFormat {
  if (framework === 'pytorch') return loadMode === 'states' ? 'torch-state-dict' : 'torchscript';
  if (loadMode === 'states') return 'keras';
  return lang === 'ts' ? 'tfjs-layers' : 'savedmodel';
}
