/** Turns a planned cell and the prepared inputs into the protocol request a runner reads. */
import type { PreparedDataset, CachedFile } from '../data/cache.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import type { ArtifactFormat, RunnerRequest } from '../protocol/request.js';
import type { ModelSpec } from '../zoo/model-spec.js';
import type { Cell } from '../protocol/cell.js';
import { splitBindingId } from '../bindings/versions.js';

export interface RequestInputs {
  runId: string;
  model: ModelSpec;
  data: PreparedDataset;
  order: CachedFile | null;
  initWeights: CachedFile | null;
  outputDir: string;
  recordStepLosses: number;
}

export function buildTrainRequest(cell: Cell, inputs: RequestInputs): RunnerRequest {
  return {
    protocol: PROTOCOL_VERSION,
    run_id: inputs.runId,
    // The runner serves the binding; which version of it runs is the environment the orchestrator started it in.
    binding: splitBindingId(cell.binding).base,
    mode: cell.mode === 'convert' ? 'export' : cell.mode,
    model: inputs.model,
    hyper: cell.hyper,
    data: {
      id: inputs.data.id,
      train: { path: inputs.data.train.path, sha256: inputs.data.train.sha256 },
      test: { path: inputs.data.test.path, sha256: inputs.data.test.sha256 },
      train_limit: cell.trainLimit,
      // Only when set, so the requests of cells without one stay as runners that predate the field expect them.
      ...(cell.testLimit ? { test_limit: cell.testLimit } : {}),
    },
    seed: cell.seed,
    device: cell.device,
    // The natural order travels as a shared order whose rows are 0..n-1 (see DataOrder).
    data_order: cell.dataOrder === 'native' ? 'native' : 'shared',
    style: cell.style ?? 'minimal',
    order: inputs.order ? { path: inputs.order.path, sha256: inputs.order.sha256 } : null,
    init: cell.init,
    deterministic: cell.deterministic ?? true,
    init_weights: inputs.initWeights ? { path: inputs.initWeights.path, sha256: inputs.initWeights.sha256 } : null,
    output_dir: inputs.outputDir,
    artifacts: cell.artifacts,
    weights: null,
    inference: { warmup: 1, repetitions: 5, batch_size: evaluationBatchSize(cell), include_train: false },
    ...(cell.testEvery && cell.testEvery > 1 ? { test_every: cell.testEvery } : {}),
    record_step_losses: inputs.recordStepLosses,
  };
}

export interface InferInputs extends ExportInputs {
  repetitions: number;
}

/** A cell that loads `weights` instead of training: the train request's model, data and hyper-parameters, no order. */
function loadRequest(cell: Cell, inputs: ExportInputs, mode: 'infer' | 'export'): RunnerRequest {
  // A loading run evaluates no epochs: test_every is a training field only.
  const { test_every: _trainOnly, ...request } = buildTrainRequest(cell, { ...inputs, order: null, initWeights: null, recordStepLosses: 0 });
  return {
    ...request,
    mode,
    data_order: 'shared',
    init: 'native',
    weights: inputs.weights,
  };
}

/** An infer cell: load `weights`, one untimed warm-up, then timed passes over the test set, then the train set once. */
export function buildInferRequest(cell: Cell, inputs: InferInputs): RunnerRequest {
  return {
    ...loadRequest(cell, inputs, 'infer'),
    artifacts: [],
    inference: { warmup: 1, repetitions: inputs.repetitions, batch_size: cell.hyper.batch_size, include_train: true },
  };
}

export interface ExportInputs extends Omit<RequestInputs, 'order' | 'initWeights' | 'recordStepLosses'> {
  weights: { format: ArtifactFormat; path: string };
}

/** A convert cell: load `weights` (another framework's trained model) and write the cell's artifacts; no data pass. */
export function buildExportRequest(cell: Cell, inputs: ExportInputs): RunnerRequest {
  return loadRequest(cell, inputs, 'export');
}

/** The per-epoch evaluations' batch size: the cell's, or for cells planned before it had one, what they ran with. */
export function evaluationBatchSize(cell: Pick<Cell, 'evalBatchSize' | 'hyper'>): number {
  return cell.evalBatchSize ?? Math.max(cell.hyper.batch_size, 1000);
}
