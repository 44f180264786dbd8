/** The end-of-campaign tables: accuracy and time per binding, loads per source × target × mode, ratios within a family. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeInference, summarizeTraining } from '../../src/analysis/campaign-summary.js';
import { run } from './synthetic-campaign.js';

test('training rows: accuracy over finished runs, median time, and the ratio to the framework reference of the same model', () => {
  const rows = summarizeTraining([
    run({ binding: 'pytorch/python', seed: 1, finalTestAccuracy: 0.9, trainSeconds: 10 }),
    run({ binding: 'pytorch/python', seed: 2, finalTestAccuracy: 0.92, trainSeconds: 12 }),
    run({ binding: 'pytorch/rust', seed: 1, finalTestAccuracy: 0.95, trainSeconds: 5 }),
    run({ binding: 'pytorch/rust', seed: 2, status: 'failed', reason: 'NaN loss', finalTestAccuracy: null, trainSeconds: null }),
  ]);
  assert.deepEqual(
    rows.map((r) => [r.binding, `${r.ok}/${r.total}`, r.minTestAccuracy, r.medianTrainSeconds, r.ratioToReference, r.problems]),
    [
      ['pytorch/python', '2/2', 0.9, 11, 1, []],
      ['pytorch/rust', '1/2', 0.95, 5, 5 / 11, ['failed: NaN loss']],
    ],
  );
});

test('load rows: reproduction is the analysis verdict, and a cross-framework load is timed against the target framework reference', () => {
  const load = (binding: string, framework: string, loadMode: string, seconds: number, targetCorrect: number) =>
    run({ binding, framework, seed: 1, mode: 'infer', loadMode, sourceBinding: 'pytorch/python', sourceFramework: 'pytorch', sourceCorrect: 9000, targetCorrect, meanInferenceSeconds: seconds, recordedVerdicts: false, timedPasses: [{ correct: targetCorrect, logitsSha256: 'a' }] });
  const rows = summarizeInference([
    load('pytorch/python', 'pytorch', 'states', 2, 9000),
    load('tensorflow/python', 'tensorflow', 'states', 4, 9000),
    load('tensorflow/js', 'tensorflow', 'states', 8, 8999),
  ]);
  assert.deepEqual(
    rows.map((r) => [r.target, `${r.reproduced}/${r.ok}`, `${r.stable}/${r.ok}`, r.ratioToReference]),
    [
      ['pytorch/python', '1/1', '1/1', 1],
      ['tensorflow/js', '0/1', '1/1', 2],
      ['tensorflow/python', '1/1', '1/1', 1],
    ],
  );
});
