/**
 * The contract every binding fulfils. A binding is data (id, capabilities) plus three edges to the outside world:
 * how to install it, how to find what is installed, and how to launch its runner. Nothing outside `bindings/`
 * tests a binding id; the planner, store and analysis only read these fields.
 */
import type { DatasetTools } from '../data/datasets.js';
import type { Home } from '../base/home.js';
import type { ArtifactFormat } from '../protocol/request.js';
import type { VersionSupport } from './versions.js';

/** `onnx` is the neutral runtime: its bindings load models exported from either framework. */
export type Framework = 'pytorch' | 'tensorflow' | 'onnx';

/** A capability is either supported or not, and then always with the reason a user will read. */
export type Capability = { supported: true } | { supported: false; reason: string };

export interface BindingCapabilities {
  /** Can the runner train (mode `train`)? */
  train: Capability;
  /**
   * Can it train in style `idiomatic` (the binding's own training API)? `api` names what runs, for the docs and the
   * plan; absent = no (style `minimal` is what every training runner speaks).
   */
  idiomaticTraining?: { supported: true; api: string } | { supported: false; reason: string };
  /**
   * What the study's own training script for this binding did with the data order (asgaardlab/CmpMLBindings), which
   * a campaign's `study` order reproduces: `natural` (the dataset's order every epoch) or `native` (the API's own
   * shuffle). `script` says what the script did, for the plan and the docs. Absent: the study did not train through
   * this binding, so `study` gives it its native order.
   */
  studyDataOrder?: { order: 'natural' | 'native'; script: string };
  /** Can it run inference from a loaded model (mode `infer`)? */
  infer: Capability;
  /** Devices the runner can use when the hardware is there. */
  devices: Array<'cpu' | 'cuda'>;
  /** Zoo model ids it builds natively; others are planned as `not supported`. */
  models: string[];
  /**
   * Zoo model ids it cannot build but can run from the framework's own serialized model (TorchScript, SavedModel),
   * whose graph needs no layers of the runner's own: planned for `serialization` infer cells only.
   */
  serializedModels?: string[];
  /**
   * Models in `models` the runner builds and loads but does not train, each with the reason (a training cell is
   * planned as `not supported`). Another framework's trained model reaches it through a conversion cell.
   */
  inferOnlyModels?: Record<string, string>;
  /** Why a zoo model is missing from `models`, where there is more to say than that the runner lacks it. */
  missingModels?: Record<string, string>;
  /**
   * Whether the runner reads the request's optional `data.test_limit`. A runner that would ignore it evaluates the
   * whole test set, so its counts could not be compared: cells with a test limit are not planned for it.
   */
  testLimit?: boolean;
  /**
   * Zoo models a format in `loads` or `exports` cannot carry in this binding, each with the reason (e.g. the
   * TensorFlow.js Layers format has no reset_after=true GRU). The planner picks another format for them, or says why.
   */
  formatExceptions?: Partial<Record<ArtifactFormat, Record<string, string>>>;
  /** Artifact formats it can load in `infer` mode. */
  loads: ArtifactFormat[];
  /**
   * A neutral runtime: it belongs to no training framework and runs the framework-neutral exports (ONNX) of any
   * framework's models, so its loads are filed under the framework the model came from.
   */
  runsAnyFramework?: boolean;
  /** Artifact formats it can write after training or in `export` mode. */
  exports: ArtifactFormat[];
}

export interface ProbeResult {
  installed: boolean;
  /** Library versions found (e.g. {torch: '2.11.0'}). */
  versions: Record<string, string>;
  /** What is missing and the command that installs it, when not installed. */
  detail: string;
}

export interface LaunchCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

export interface SetupContext {
  home: Home;
  /** Progress lines for the user. */
  log(line: string): void;
  /** Runs a command, streaming its output to the log; throws with the command's output tail on failure. */
  exec(command: string, args: string[], opts?: { env?: Record<string, string>; cwd?: string }): Promise<void>;
}

export interface BindingDescriptor {
  /** `<framework>/<language>[-<variant>]`: descriptor id, CLI value and store key. */
  id: string;
  framework: Framework;
  /** The language the runner is written in, as the study names it. */
  language: string;
  /** The library this binding is, e.g. `@tensorflow/tfjs-node`. */
  library: string;
  /** The framework's default binding, which every other binding is compared against. */
  reference: boolean;
  /** Bindings whose setup must run first (e.g. tfjs-node builds against the TensorFlow wheel). */
  needs: string[];
  capabilities: BindingCapabilities;
  /**
   * The key of its runner's start-event `versions` that holds the version of the framework's native core it ran
   * (`torch`, `libtorch`, `tensorflow`, `libtensorflow`). Runs record it, and the analysis notes beside a verdict when
   * a binding and its reference ran different core versions. Absent: the binding has no shared core (TensorFlow.js's
   * own WASM kernels, a neutral runtime).
   */
  coreLibrary?: string;
  /** Tools its environment carries that preparing a dataset needs (e.g. a tokenizer). */
  datasetTools?: DatasetTools;
  /** Finds what is installed; never installs. */
  probe(home: Home): Promise<ProbeResult>;
  /** Installs the binding and builds its runner, idempotently. Absent where it cannot be installed here. */
  setup?(ctx: SetupContext): Promise<void>;
  /** The process that runs one request file. */
  launch(home: Home, requestPath: string): LaunchCommand;
  /** Other versions of the binding's library, installable beside the pinned one as `<id>@<version>` (versions.ts). */
  versions?: VersionSupport;
}
