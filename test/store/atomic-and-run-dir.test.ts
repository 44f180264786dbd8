import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/base/atomic-file.js';
import { beginRunDir, readRunDir, runPaths } from '../../src/store/run-dir.js';
import { rebuildIndex, verifyIndex, openIndex } from '../../src/store/index-db.js';
import { tempHome } from '../fixtures/temp-home.js';

test('an atomic write replaces the file whole and leaves no temp file behind', () => {
  const home = tempHome();
  mkdirSync(home.root, { recursive: true });
  const p = join(home.root, 'x.json');
  writeFileAtomic(p, 'old');
  writeFileAtomic(p, 'new');
  assert.equal(readFileSync(p, 'utf8'), 'new');
  assert.deepEqual(readdirSync(home.root), ['x.json']);
});

test('a run directory without result.json is incomplete, and a rerun moves it aside instead of deleting it', () => {
  const home = tempHome();
  const paths = beginRunDir(home.store, 'c', 'cell');
  writeFileSync(paths.events, '{"type":"log","message":"partial"}\n');
  assert.equal(readRunDir(paths), null);
  beginRunDir(home.store, 'c', 'cell');
  const attempts = readdirSync(join(home.store, 'runs', 'c', '.attempts'));
  assert.equal(attempts.length, 1);
  assert.equal(readFileSync(join(home.store, 'runs', 'c', '.attempts', attempts[0]!, 'events.jsonl'), 'utf8'), '{"type":"log","message":"partial"}\n');
  assert.equal(readRunDir(runPaths(home.store, 'c', 'cell')), null);
});

test('an index that lost a run disagrees until it is rebuilt from the directories', () => {
  const home = tempHome();
  const paths = beginRunDir(home.store, 'c', 'k');
  const result = {
    run_id: 'c/k', campaign: 'c', framework: 'pytorch', language: 'x', status: 'ok', reason: null, exit_code: 0, signal: null,
    stderr_tail: '', started: '', finished: '', final_train_accuracy: 0.9, final_test_accuracy: 0.8, train_seconds: 1,
    wall_seconds: 1, process_seconds: 1, mean_inference_seconds: null, artifacts: {}, data_source: 'test',
    cell: { key: 'k', model: 'lenet1', binding: 'fake/js', seed: 1, device: 'cpu', mode: 'train', hyper: { epochs: 1, batch_size: 1, optimizer: { name: 'sgd', learning_rate: 0.1 }, loss: 'sparse_categorical_crossentropy' }, trainLimit: null, dataOrder: 'shared', init: 'native', artifacts: [] },
  };
  writeFileSync(paths.events, '{"type":"end","train_seconds":1,"wall_seconds":1}\n');
  writeFileSync(paths.result, JSON.stringify(result));
  openIndex(home.store).close();
  assert.deepEqual(verifyIndex(home.store).map((p) => p.problem), ['complete on disk but missing from the index']);
  assert.equal(rebuildIndex(home.store), 1);
  assert.deepEqual(verifyIndex(home.store), []);
});
