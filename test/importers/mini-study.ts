import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const curve = (start: number, n: number) => Array.from({ length: n }, (_, i) => (start + (i * 0.01) / n).toExponential(18)).join('\n') + '\n';

/** A two-run study in miniature: PyTorch LeNet-1 in Python and Rust, TypeScript inference only, one broken file. */
export function miniStudy(): string {
  const root = mkdtempSync(join(tmpdir(), 'study-'));
  writeFileSync(join(root, 'random_seeds.txt'), '287426343\n1850616268\n');
  writeFileSync(join(root, 'ABOUT.md'), 'mini study');
  const py = join(root, 'data', 'pytorch', 'lenet1', 'py');
  const rs = join(root, 'data', 'pytorch', 'lenet1', 'rs');
  const ts = join(root, 'data', 'pytorch', 'lenet1', 'ts');
  for (const d of [py, rs, ts]) mkdirSync(d, { recursive: true });
  const seeds = [287426343, 1850616268];
  for (const i of [0, 1]) {
    writeFileSync(join(py, `training_errors_${i}.txt`), curve(0.9, 3));
    writeFileSync(join(py, `testing_errors_${i}.txt`), '9.0e-01\n9.5e-01\n9.877e-01\n');
    writeFileSync(join(py, `time_cost_gpu_${i}.json`), JSON.stringify({ training_time: 10 + i, total_time: 20 + i, eval_time: 10, test_acc: 0.9877, train_acc: 0.99, seed: seeds[i] }));
    writeFileSync(join(rs, `training_errors_${i}.txt`), curve(0.91, 3));
    writeFileSync(join(rs, `testing_errors_${i}.txt`), '0.9\n0.95\n0.98\n');
  }
  writeFileSync(join(rs, 'time_cost_0.txt'), '8\n3\n5\n287426343\n');
  writeFileSync(join(rs, 'time_cost_1.txt'), '8\n3\n4\n1850616268\n'); // 8 - 3 != 4: not the assumed layout
  writeFileSync(join(py, 'deploy_eval_cpu_states_scripted.json'), JSON.stringify({
    test: [0.5, 0.6], test_average: 0.55, train: [3, 3.2], train_average: 3.1,
    testset_same_acc: [[true, 0.9877, 0.9877], [true, 0.9877, 0.9877]], trainset_same_acc: [[true, 0.99, 0.99], [true, 0.99, 0.99]],
    test_acc_stable: [true, true], train_acc_stable: [true, true],
  }));
  writeFileSync(join(ts, 'deploy_eval_gpu_serialization_scripted.txt'), 'Test average:\n0.08\nTest:\n0.07\n0.09\nTrain average:\n0.4\nTrain:\n0.39\n0.41\nTest Set Same Acc:\ntrue\nfalse\nTrain Set Same Acc:\ntrue\ntrue\n');
  writeFileSync(join(ts, 'notes.txt'), 'scratch');
  return root;
}
