import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importers, importerById, writeImportedCampaign } from '../../src/importers/index.js';
import { cmpmlbindingsImporter } from '../../src/importers/cmpmlbindings/index.js';
import { openIndex } from '../../src/store/index-db.js';
import { readRunDir, runPaths } from '../../src/store/run-dir.js';
import { tempHome } from '../fixtures/temp-home.js';
import { STUDY_DIR, STUDY_MISSING, studyAvailable } from './study-dir.js';
import { miniStudy } from './mini-study.js';

test('the importer is registered, found by id, and recognises the layout', () => {
  assert.ok(importers.includes(cmpmlbindingsImporter));
  assert.equal(importerById('cmpmlbindings'), cmpmlbindingsImporter);
  assert.throws(() => importerById('nope'), /unknown importer 'nope'; known importers: cmpmlbindings/);
  assert.equal(cmpmlbindingsImporter.detect(miniStudy()), true);
  assert.equal(cmpmlbindingsImporter.detect(mkdtempSync(join(tmpdir(), 'empty-'))), false);
});

test('a study becomes training and inference runs; files it cannot use are listed by name with the reason', () => {
  const home = tempHome();
  const dir = miniStudy();
  // A plain file beside the scripted one of the same mode evaluated other models: the notebook read the scripted one.
  writeFileSync(join(dir, 'data/pytorch/lenet1/ts/deploy_eval_gpu_serialization.txt'), 'Test average:\n1\nTest:\n1\n1\nTrain average:\n1\nTrain:\n1\n1\nTest Set Same Acc:\ntrue\ntrue\nTrain Set Same Acc:\ntrue\ntrue\n');
  const imported = cmpmlbindingsImporter.read(dir, 'study');
  assert.deepEqual(imported.unparsed.map((u) => u.file), [
    'data/pytorch/lenet1/rs/testing_errors_1.txt',
    'data/pytorch/lenet1/rs/time_cost_1.txt',
    'data/pytorch/lenet1/rs/training_errors_1.txt',
    'data/pytorch/lenet1/ts/deploy_eval_gpu_serialization.txt',
    'data/pytorch/lenet1/ts/notes.txt',
  ]);
  const why = Object.fromEntries(imported.unparsed.map((u) => [u.file.split('/').pop(), u.reason]));
  assert.match(why['time_cost_1.txt']!, /line 3 \(4\) is not line 1 minus line 2/);
  assert.match(why['training_errors_1.txt']!, /run 1 is left out because data\/pytorch\/lenet1\/rs\/time_cost_1.txt could not be used/);
  assert.match(why['notes.txt']!, /not a file this importer reads/);
  assert.match(why['deploy_eval_gpu_serialization.txt']!, /left out as the study's notebook did: the serialization_scripted file/);
  const outcome = writeImportedCampaign(home.store, 'study', imported);
  // py 2 + rs 1 (run 1's time file is broken) training runs; py 2 + ts 2 inference runs.
  assert.equal(outcome.trainRuns, 3);
  assert.equal(outcome.inferRuns, 4);

  const rust = readRunDir(runPaths(home.store, 'study', 'lenet1--pytorch-rust--s287426343--cuda--idiomatic'))!;
  assert.equal(rust.result.train_seconds, 5);
  assert.equal(rust.result.final_test_accuracy, 0.98);
  assert.match(rust.result.data_source, /imported from the study/);
  const epochs = rust.events.filter((e) => e.type === 'epoch');
  assert.equal(epochs.length, 3);
  assert.ok(Math.abs(epochs.reduce((s, e) => s + (e.type === 'epoch' ? e.train_seconds : 0), 0) - 5) < 1e-12, 'per-epoch seconds add up to the recorded training time');

  const js = readRunDir(runPaths(home.store, 'study', 'lenet1--pytorch-js--s1850616268--cuda--idiomatic--infer-serialization-from-pytorch-python--scripted'))!;
  assert.equal(js.result.mean_inference_seconds, 0.09);
  assert.equal(js.result.source!.reproduced, false);
  assert.equal(js.result.source!.stable, null, 'stability was not recorded in that file');
  assert.equal(js.result.source!.correct, 9877, "the Python run's final test accuracy times 10,000");
  assert.equal(js.result.source!.run_id, 'study/lenet1--pytorch-python--s1850616268--cuda--idiomatic');

  const db = openIndex(home.store);
  try {
    const rows = db.prepare("SELECT binding, mode, reproduced FROM runs WHERE campaign = 'study' ORDER BY id").all() as Array<{ binding: string; mode: string }>;
    assert.equal(rows.length, 7);
    assert.equal((db.prepare("SELECT COUNT(*) AS n FROM epochs").get() as { n: number }).n, 9);
  } finally {
    db.close();
  }
});

test('re-importing replaces the campaign whole: no run of the earlier import survives, in the folder or the index', () => {
  const home = tempHome();
  const study = miniStudy();
  writeImportedCampaign(home.store, 'study', cmpmlbindingsImporter.read(study, 'study'));
  // A run that the next import will not produce (as if the earlier import had read different files).
  const stale = 'lenet1--pytorch-rust--s1850616268--cuda';
  writeImportedCampaign(home.store, 'other', cmpmlbindingsImporter.read(study, 'other'));
  const first = readdirSync(join(home.store, 'runs', 'study')).length;
  mkdirSync(join(home.store, 'runs', 'study', stale), { recursive: true });
  writeFileSync(join(home.store, 'runs', 'study', stale, 'result.json'), JSON.stringify({ run_id: `study/${stale}` }));
  const second = writeImportedCampaign(home.store, 'study', cmpmlbindingsImporter.read(study, 'study'));
  assert.equal(second.replaced, true);
  assert.equal(existsSync(join(home.store, 'runs', 'study', stale)), false);
  assert.equal(readdirSync(join(home.store, 'runs', 'study')).length, first);
  assert.deepEqual(readdirSync(join(home.store, 'runs')).filter((d) => d.startsWith('.')), [], 'no staging or replaced folder is left behind');
  const db = openIndex(home.store);
  try {
    const counts = db.prepare('SELECT campaign, COUNT(*) AS n FROM runs GROUP BY campaign ORDER BY campaign').all();
    assert.deepEqual(counts, [{ campaign: 'other', n: 7 }, { campaign: 'study', n: 7 }]);
  } finally {
    db.close();
  }
});

test('a campaign id that is not a safe folder name is bad input', () => {
  const home = tempHome();
  assert.throws(() => writeImportedCampaign(home.store, '../x', cmpmlbindingsImporter.read(miniStudy(), '../x')), /campaign id '\.\.\/x'/);
});

test('the published study imports completely: every data file becomes part of a run', (t) => {
  if (!studyAvailable()) return t.skip(STUDY_MISSING);
  const imported = cmpmlbindingsImporter.read(STUDY_DIR, 'cmpmlbindings');
  // The one pair of files the study's notebook did not read either: PyTorch-Rust's LSTM loads of models other than
  // the ones Python saved (read-study.ts, readInferenceRuns).
  assert.deepEqual(imported.unparsed.map((u) => u.file), ['data/pytorch/lstm/rs/deploy_eval_Cpu_serialization.txt', 'data/pytorch/lstm/rs/deploy_eval_Cpu_states.txt']);
  assert.ok(imported.unparsed.every((u) => /left out as the study's notebook did/.test(u.reason)));
  const train = imported.runs.filter((r) => r.result.cell.mode === 'train');
  const infer = imported.runs.filter((r) => r.result.cell.mode === 'infer');
  // 15 PyTorch and 14 TensorFlow model × language folders with training files, 5 runs each; 110 of the 112 deploy
  // files × 5 models.
  assert.equal(train.length, 145);
  assert.equal(infer.length, 550);
  assert.deepEqual([...new Set(imported.runs.map((r) => r.result.cell.binding))].sort(), [
    'pytorch/csharp', 'pytorch/js', 'pytorch/python', 'pytorch/rust', 'tensorflow/csharp', 'tensorflow/js', 'tensorflow/python', 'tensorflow/rust',
  ]);
  const rs = train.find((r) => r.key === 'lenet1--pytorch-rust--s287426343--cuda--idiomatic')!;
  assert.equal(rs.result.train_seconds, 333.6294681850000075, 'data/pytorch/lenet1/rs/time_cost_0.txt line 3');
  const dotnet = infer.find((r) => r.key === 'gru--pytorch-csharp--s287426343--cpu--idiomatic--infer-states-from-pytorch-python')!;
  assert.equal(dotnet.result.source!.reproduced, false);
  assert.equal(dotnet.result.source!.stable, false);
  assert.equal(dotnet.result.source!.target_correct, Math.round(0.87771999999999994 * 25000));
});
