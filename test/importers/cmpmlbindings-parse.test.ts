import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StudyFileError,
  parseAccuracyCurve,
  parseDeployJson,
  parseDeployText,
  parseTimeCostJson,
  parseTimeCostLabelled,
  parseTimeCostLines,
} from '../../src/importers/cmpmlbindings/parse-files.js';
import { parseDeployFileName, parseTimeCostFileName } from '../../src/importers/cmpmlbindings/layout.js';

test('accuracy curves read NumPy savetxt lines and plain lines, and refuse values that are not accuracies', () => {
  assert.deepEqual(parseAccuracyCurve('9.094999999999999751e-01\n9.371000000000000441e-01\n'), [0.9095, 0.9371]);
  assert.deepEqual(parseAccuracyCurve('0.9135833382606506\n0.9389166831970215'), [0.9135833382606506, 0.9389166831970215]);
  assert.throws(() => parseAccuracyCurve('0.9\n1.7\n'), /line 2: 1.7 is not an accuracy/);
  assert.throws(() => parseAccuracyCurve('0.9\nabc\n'), StudyFileError);
  assert.throws(() => parseAccuracyCurve('\n'), /no values/);
});

test('the three time_cost layouts give the same fields; training time excludes evaluation', () => {
  const py = parseTimeCostJson('{"training_time": 942.39, "total_time": 1789.48, "eval_time": 847.08, "test_acc": 0.9877, "train_acc": 0.99725, "seed": 287426343}');
  assert.deepEqual(py, { trainingSeconds: 942.39, totalSeconds: 1789.48, evalSeconds: 847.08, seed: 287426343, testAccuracy: 0.9877, trainAccuracy: 0.99725 });
  const rs = parseTimeCostLines('385.4592547240000044\n51.8297865390000041\n333.6294681850000075\n287426343\n');
  assert.equal(rs.trainingSeconds, 333.6294681850000075);
  assert.equal(rs.totalSeconds, 385.4592547240000044);
  assert.equal(rs.seed, 287426343);
  const ts = parseTimeCostLabelled('Training Time:\n535.529\nTotal Time:\n1550.777\nEval Time:\n1015.248\nTesting Loss:\n0.0388\nTesting Acc:\n0.988\nTraining Loss:\n0.0147\nTraining Acc:\n0.9965\nSeed:\n287426343');
  assert.deepEqual(ts, { trainingSeconds: 535.529, totalSeconds: 1550.777, evalSeconds: 1015.248, seed: 287426343, testAccuracy: 0.988, trainAccuracy: 0.9965 });
});

test('a line-layout time file whose third line is not total minus evaluation is refused, not misread', () => {
  assert.throws(() => parseTimeCostLines('100\n20\n50\n1\n'), /line 3 \(50\) is not line 1 minus line 2/);
  assert.throws(() => parseTimeCostLines('100\n20\n80\n'), /expected 4 lines/);
  assert.throws(() => parseTimeCostJson('{"total_time": 1}'), /field 'training_time' is missing/);
  assert.throws(() => parseTimeCostLabelled('Total Time:\n1\n'), /label 'training time:' is missing/);
});

test("Python's deploy JSON keeps each model's flag, accuracy, reference accuracy and stability", () => {
  const d = parseDeployJson(JSON.stringify({
    test: [0.98, 1.17], test_average: 1.075, train: [5.8, 4.7], train_average: 5.25,
    testset_same_acc: [[true, 0.098, 0.098], [false, 0.9889, 0.9888]], trainset_same_acc: [[true, 0.1, 0.1], [true, 0.99, 0.99]],
    test_acc_stable: [true, false], train_acc_stable: [true, true],
  }));
  assert.deepEqual(d.test, { seconds: [0.98, 1.17], statedAverage: 1.075, same: [true, false], accuracies: [0.098, 0.9889], referenceAccuracies: [0.098, 0.9888], stable: [true, false] });
  // TensorFlow's Python files have no stability lists.
  const tf = parseDeployJson(JSON.stringify({ test: [1], test_average: 1, train: [2], train_average: 2, testset_same_acc: [[true, 0.9, 0.9]], trainset_same_acc: [[true, 0.9, 0.9]] }));
  assert.equal(tf.test.stable, null);
  assert.throws(() => parseDeployJson(JSON.stringify({ test: [1, 2], train: [1, 2], testset_same_acc: [[true, 0.9, 0.9]], trainset_same_acc: [[true, 0.9, 0.9], [true, 1, 1]] })), /2 durations but 1 flags/);
});

test('the Rust deploy text: average on the label line, per-model times below it', () => {
  const d = parseDeployText(`Test Eval Average Time: 0.15
0.1
0.2
Test Accuracy Same as Original:
true, 0.9877000000000000
false, 0.9889000000000000
Train Eval Average Time: 0.6
0.5
0.7
Train Accuracy Same as Original:
true, 0.99725
true, 0.99741
Test Accuracy Stable:
true
true
Train Accuracy Stable:
true
false
`);
  assert.deepEqual(d.test, { seconds: [0.1, 0.2], statedAverage: 0.15, same: [true, false], accuracies: [0.9877, 0.9889], referenceAccuracies: null, stable: [true, true] });
  assert.deepEqual(d.train.stable, [true, false]);
});

test('the C# deploy text: the average in its own section, capitalised flags', () => {
  const d = parseDeployText(`Test Eval Average Time:
0.116
Test Eval Time:
0.117
0.115
Test Accuracy0 Same as Original:
True, 0.98770000000000002
False, 0.87516000000000005
Test Accuracy Stable:
True
False
Train Eval Average Time:
0.67
Train Eval Time:
0.674
0.666
Train Accuracy0 Same as Original:
True, 0.99724999999999997
True, 0.9974
Train Accuracy Stable:
True
True
`);
  assert.deepEqual(d.test.seconds, [0.117, 0.115]);
  assert.equal(d.test.statedAverage, 0.116);
  assert.deepEqual(d.test.same, [true, false]);
  assert.deepEqual(d.test.accuracies, [0.98770000000000002, 0.87516000000000005]);
  assert.deepEqual(d.test.stable, [true, false]);
});

test('the TypeScript deploy text: flags alone, accuracies and stability in their own sections when present', () => {
  const withAccs = parseDeployText('Test average:\n3.5\nTest:\n3.3\n3.7\nTrain average:\n21\nTrain:\n20\n22\nTest Set Same Acc:\ntrue\ntrue\nTrain Set Same Acc:\ntrue\ntrue\nTest Set Accs:\n0.098\n0.9889\nTrain Set Accs:\n0.1\n0.99\nTest Set Accs Stable:\ntrue\ntrue\nTrain Set Accs Stable:\ntrue\ntrue');
  assert.deepEqual(withAccs.test, { seconds: [3.3, 3.7], statedAverage: 3.5, same: [true, true], accuracies: [0.098, 0.9889], referenceAccuracies: null, stable: [true, true] });
  const flagsOnly = parseDeployText('Test average:\n1.6\nTest:\n1.65\n1.68\nTrain average:\n10\nTrain:\n10.1\n10.0\nTest Set Same Acc:\ntrue\nfalse\nTrain Set Same Acc:\ntrue\ntrue');
  assert.equal(flagsOnly.test.accuracies, null);
  assert.equal(flagsOnly.test.stable, null);
  assert.deepEqual(flagsOnly.test.same, [true, false]);
});

test('unknown sections and mismatched counts are refused with the reason', () => {
  assert.throws(() => parseDeployText('Test average:\n1\nTest:\n1\nValidation Time:\n3\n'), /unknown section 'validation time:'/);
  assert.throws(() => parseDeployText('Test average:\n1\nTest:\n1\n2\nTrain:\n1\n2\nTest Set Same Acc:\ntrue\nTrain Set Same Acc:\ntrue\ntrue'), /test: 2 durations but 1 flags/);
  assert.throws(() => parseDeployText('Test:\n1\nTest Set Same Acc:\nmaybe\nTrain:\n1\nTrain Set Same Acc:\ntrue'), /neither true nor false/);
});

test('file names: every device spelling of the study, scripted or not, and time_cost run indices', () => {
  assert.deepEqual(parseDeployFileName('deploy_eval_Cuda(0)_serialization_scripted.txt'), { device: 'cuda', loadMode: 'serialization', scripted: true, studyMode: 'serialization_scripted' });
  assert.deepEqual(parseDeployFileName('deploy_eval_CPU_states.txt'), { device: 'cpu', loadMode: 'states', scripted: false, studyMode: 'states' });
  assert.equal(parseDeployFileName('deploy_eval_gpu_states.json')?.device, 'cuda');
  assert.equal(parseDeployFileName('deploy_eval_tpu_states.json'), null);
  assert.equal(parseTimeCostFileName('time_cost_gpu_3.json'), 3);
  assert.equal(parseTimeCostFileName('time_cost_CUDA_0.txt'), 0);
  assert.equal(parseTimeCostFileName('time_cost_4.txt'), 4);
  assert.equal(parseTimeCostFileName('time_costs.txt'), null);
});
