/**
 * Training (mode `train`) in the request's style, with tfjs's own optimizer (tf.train.sgd / tf.train.adam) and loss,
 * mean over the batch, computed from the logits: tf.losses.softmaxCrossEntropy on one-hot labels, or for a sigmoid
 * output tf.losses.sigmoidCrossEntropy on [n, 1] float labels.
 * - `minimal`: an explicit minibatch loop over tensors preloaded into the backend, one optimizer.minimize per batch.
 * - `idiomatic`: model.compile with that optimizer and loss, then one model.fit call per epoch.
 * Each epoch's training is timed alone; the two evaluations after it (the same predictor in both styles) apart.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Backend, Tf } from './backend.js';
import { inputDtype, isBinary, loadOrder, loadSplit, readVerified } from './data.js';
import { countCorrect, disposeBatches, toBatches } from './evaluate.js';
import { buildModel, setCanonicalWeights } from './model.js';
import { layersForward, writeArtifacts } from './artifacts.js';
import { emit, log, RunnerError, type RunnerRequest } from './protocol.js';
import { alea, fitShuffleSeed, withMathRandom } from './seeded-random.js';

function seconds(from: bigint, to: bigint): number {
  return Number(to - from) / 1e9;
}

function optimizer(tf: Tf, req: RunnerRequest): TF.Optimizer {
  const { name, learning_rate, beta_1, beta_2, epsilon } = req.hyper.optimizer;
  if (name === 'sgd') return tf.train.sgd(learning_rate);
  // What the request leaves out stays tfjs's default (beta1 0.9, beta2 0.999, epsilon 1e-7: Keras's).
  const adam = tf.train.adam(learning_rate, beta_1, beta_2, epsilon);
  const config = adam.getConfig();
  log(`optimizer tf.train.adam: learning rate ${learning_rate}, beta1 ${config.beta1}, beta2 ${config.beta2}, epsilon ${config.epsilon}`);
  return adam;
}

/** Labels as the loss takes them and the loss of a batch's logits. */
interface LossFn {
  labels: TF.Tensor;
  loss(labels: TF.Tensor, logits: TF.Tensor): TF.Scalar;
}

function lossFunction(tf: Tf, labels: Int32Array, classes: number, binary: boolean): LossFn {
  if (binary) {
    return {
      labels: tf.tensor2d(Float32Array.from(labels), [labels.length, 1], 'float32'),
      loss: (y, logits) => tf.losses.sigmoidCrossEntropy(y, logits) as TF.Scalar,
    };
  }
  return {
    labels: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat()),
    loss: (y, logits) => tf.losses.softmaxCrossEntropy(y, logits) as TF.Scalar,
  };
}

/**
 * The binding's own epoch order for data_order `native`. tfjs's shuffle (tf.util.shuffle, which model.fit uses)
 * draws from Math.random and takes no seed, so the runner draws the order from tfjs's seeded generator instead:
 * tf.randomUniform with a seed per (run seed, epoch), ranked by tf.topk, is a permutation the seed reproduces.
 */
function nativeOrder(tf: Tf, n: number, seed: number, epoch: number): Int32Array {
  return tf.tidy(() => {
    const keys = tf.randomUniform([n], 0, 1, 'float32', seed * 10007 + epoch);
    return Int32Array.from(tf.topk(keys, n).indices.dataSync());
  });
}

/** What the epoch loops share: the model, its optimizer and loss, and the training split as backend tensors. */
interface TrainingRun {
  tf: Tf;
  req: RunnerRequest;
  model: TF.Sequential;
  opt: TF.Optimizer;
  lossFn: LossFn;
  xAll: TF.Tensor;
  yAll: TF.Tensor;
  n: number;
  batchSize: number;
  /** Row e-1 is epoch e's order (data_order `shared`); null for `native`. */
  sharedOrder: Int32Array[] | null;
}

/** One epoch's mean training loss and the seconds of its timed region. */
interface EpochResult {
  meanLoss: number;
  seconds: number;
}

/** Trains epoch `epoch` (1-based). */
type EpochTrainer = (epoch: number) => Promise<EpochResult>;

/**
 * Style `minimal`: bindbench's explicit loop. Per batch, gather the batch's rows by the epoch's order, one
 * optimizer.minimize over the model applied in training mode; the loss sum stays in the backend until the epoch ends.
 */
function minimalTrainer(run: TrainingRun): EpochTrainer {
  const { tf, req, model, opt, lossFn, xAll, yAll, n, batchSize, sharedOrder } = run;
  const variables = model.trainableWeights.map((w) => w.read() as TF.Variable);
  let step = 0;
  return async (epoch) => {
    const order = sharedOrder ? sharedOrder[epoch - 1]! : nativeOrder(tf, n, req.seed, epoch);
    let lossSum: TF.Tensor = tf.scalar(0);
    let batches = 0;
    const t0 = process.hrtime.bigint();
    for (let start = 0; start < n; start += batchSize) {
      const loss = tf.tidy(() => {
        const idx = tf.tensor1d(order.subarray(start, Math.min(start + batchSize, n)), 'int32');
        const xb = tf.gather(xAll, idx);
        const yb = tf.gather(yAll, idx);
        // training: true turns dropout on and makes batch norms use and update batch statistics.
        const cost = opt.minimize(() => lossFn.loss(yb, model.apply(xb, { training: true }) as TF.Tensor), true, variables);
        return cost!;
      });
      if (step < req.record_step_losses) {
        const value = loss.dataSync()[0]!;
        if (!Number.isFinite(value)) throw new RunnerError('nan_loss', `loss is ${value} at step ${step} (epoch ${epoch})`);
        emit({ type: 'step', step, loss: value });
      }
      const next = tf.add(lossSum, loss);
      lossSum.dispose();
      loss.dispose();
      lossSum = next;
      batches++;
      step++;
    }
    // Reading the loss back waits for every queued step, so the clock below covers them.
    const meanLoss = lossSum.dataSync()[0]! / batches;
    const t1 = process.hrtime.bigint();
    lossSum.dispose();
    return { meanLoss, seconds: seconds(t0, t1) };
  };
}

type BatchLogs = Parameters<TF.Callback['onBatchEnd']>[1];

/**
 * The loss of each of the first `limit` optimiser steps, from fit's own batch logs. A tf.Callback (not the
 * `{onBatchEnd}` object form, which resolves every batch's logs to numbers and yields to the event loop) receives
 * the batch loss as the scalar tensor fit computed; only the first `limit` steps are read back (dataSync), as the
 * minimal loop reads them.
 */
function stepLossCallback(tf: Tf, limit: number): new (firstStep: number, epoch: number) => TF.Callback {
  return class StepLosses extends tf.Callback {
    constructor(
      private readonly firstStep: number,
      private readonly epoch: number,
    ) {
      super();
    }

    override async onBatchEnd(batch: number, logs?: BatchLogs): Promise<void> {
      const step = this.firstStep + batch;
      if (step >= limit) return;
      const loss = logs?.loss;
      if (loss === undefined) throw new RunnerError('failed', `model.fit gave no loss in the logs of batch ${batch}`);
      const value = typeof loss === 'number' ? loss : loss.dataSync()[0]!;
      if (!Number.isFinite(value)) throw new RunnerError('nan_loss', `loss is ${value} at step ${step} (epoch ${this.epoch})`);
      emit({ type: 'step', step, loss: value });
    }
  };
}

/**
 * Style `idiomatic`: what the TensorFlow.js guides teach, `model.compile({optimizer, loss})` once, then per epoch one
 * `await model.fit(x, y, {batchSize, epochs: 1, shuffle, verbose: 0})` timed as a whole. Same optimizer instance and
 * the same loss of the logits as minimal; fit gathers each batch from the tensors it is given and steps the optimizer
 * on the model's trainable weights. Data order `shared`: the epoch's order row gathers x and y (tf.gather, inside the
 * timed region) and fit runs with shuffle false. `native`: fit shuffles (tf.util.shuffle), with Math.random seeded
 * for the call (seeded-random.ts). The epoch loss is fit's History mean (tfjs-layers' BaseLogger: batch losses
 * weighted by batch size, over the epoch's examples).
 */
function idiomaticTrainer(run: TrainingRun): EpochTrainer {
  const { tf, req, model, opt, lossFn, xAll, yAll, n, batchSize, sharedOrder } = run;
  model.compile({ optimizer: opt, loss: (yTrue: TF.Tensor, yPred: TF.Tensor) => lossFn.loss(yTrue, yPred) });
  const batchesPerEpoch = Math.ceil(n / batchSize);
  const StepLosses = stepLossCallback(tf, req.record_step_losses);
  return async (epoch) => {
    const firstStep = (epoch - 1) * batchesPerEpoch;
    const args: TF.ModelFitArgs = { batchSize, epochs: 1, verbose: 0 };
    // Without step losses to record, fit runs with its default callbacks.
    if (firstStep < req.record_step_losses) args.callbacks = [new StepLosses(firstStep, epoch)];
    let history: TF.History;
    let t0: bigint;
    let t1: bigint;
    if (sharedOrder) {
      const row = sharedOrder[epoch - 1]!;
      let ordered: TF.Tensor[] = [];
      try {
        t0 = process.hrtime.bigint();
        ordered = tf.tidy(() => {
          const idx = tf.tensor1d(row, 'int32');
          return [tf.gather(xAll, idx), tf.gather(yAll, idx)];
        });
        history = await model.fit(ordered[0]!, ordered[1]!, { ...args, shuffle: false });
        t1 = process.hrtime.bigint();
      } finally {
        tf.dispose(ordered);
      }
    } else {
      const prng = alea(fitShuffleSeed(req.seed, epoch));
      t0 = process.hrtime.bigint();
      history = await withMathRandom(prng, () => model.fit(xAll, yAll, { ...args, shuffle: true }));
      t1 = process.hrtime.bigint();
    }
    // fit returns after History.syncData has read every logged value back, so the clock covered all its steps.
    const meanLoss = history.history.loss?.[0];
    if (typeof meanLoss !== 'number') throw new RunnerError('failed', `model.fit's History has no numeric loss for epoch ${epoch}`);
    return { meanLoss, seconds: seconds(t0, t1) };
  };
}

/** Returns the summed training seconds of all epochs. */
export async function train(backend: Backend, req: RunnerRequest): Promise<number> {
  const { tf } = backend;
  const spec = req.model;
  const binary = isBinary(spec);
  const trainSplit = loadSplit(req.data.train, 'training data', req.data.train_limit, spec);
  const testSplit = loadSplit(req.data.test, 'test data', req.data.test_limit, spec);
  const n = trainSplit.n;
  const sharedOrder = req.data_order === 'shared' ? loadOrder(req.order!, req.hyper.epochs, n) : null;

  const model = buildModel(tf, spec, req.seed, req.init === 'shared' ? 'overwritten' : 'native');
  if (req.init === 'shared') setCanonicalWeights(tf, model, spec, readVerified(req.init_weights!, 'initial weights'), req.init_weights!.path);
  const opt = optimizer(tf, req);

  const xAll = tf.tensor(trainSplit.x, [n, ...trainSplit.exampleShape], inputDtype(trainSplit));
  const lossFn = lossFunction(tf, trainSplit.labels, spec.classes, binary);
  const yAll = lossFn.labels;
  const trainEval = toBatches(tf, trainSplit, req.inference.batch_size);
  const testEval = toBatches(tf, testSplit, req.inference.batch_size);
  const forward = layersForward(model);
  const batchSize = req.hyper.batch_size;
  log(`training ${spec.id} on ${n} examples, ${Math.ceil(n / batchSize)} batches of ${batchSize} per epoch, backend ${backend.name}, style ${req.style}`);
  const run: TrainingRun = { tf, req, model, opt, lossFn, xAll, yAll, n, batchSize, sharedOrder };
  const trainEpoch = req.style === 'idiomatic' ? idiomaticTrainer(run) : minimalTrainer(run);

  let trainTotal = 0;
  for (let epoch = 1; epoch <= req.hyper.epochs; epoch++) {
    const { meanLoss, seconds: trainSeconds } = await trainEpoch(epoch);
    if (!Number.isFinite(meanLoss)) throw new RunnerError('nan_loss', `mean training loss of epoch ${epoch} is ${meanLoss}`);

    const e0 = process.hrtime.bigint();
    const trainCorrect = countCorrect(tf, forward, trainEval, false, binary).correct;
    const withTest = epoch === req.hyper.epochs || epoch % (req.test_every ?? 1) === 0;
    const testCorrect = withTest ? countCorrect(tf, forward, testEval, false, binary).correct : null;
    const e1 = process.hrtime.bigint();
    trainTotal += trainSeconds;
    emit({
      type: 'epoch',
      epoch,
      train_accuracy: trainCorrect / n,
      test_accuracy: testCorrect === null ? null : testCorrect / testEval.n,
      loss: meanLoss,
      train_seconds: trainSeconds,
      eval_seconds: seconds(e0, e1),
    });
  }

  await writeArtifacts(model, spec, req.artifacts, req.output_dir, req.binding);
  disposeBatches(trainEval);
  disposeBatches(testEval);
  xAll.dispose();
  yAll.dispose();
  model.dispose();
  return trainTotal;
}
