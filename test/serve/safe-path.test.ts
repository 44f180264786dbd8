import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveInsideRoot } from '../../src/serve/safe-path.js';

function layout() {
  const top = mkdtempSync(join(tmpdir(), 'bindbench-safe-path-'));
  const store = join(top, 'store');
  mkdirSync(join(store, 'runs', 'c', 'k'), { recursive: true });
  writeFileSync(join(store, 'runs', 'c', 'k', 'result.json'), '{}');
  writeFileSync(join(top, 'secret.txt'), 'outside the store');
  // A sibling whose name starts with the store's: a prefix check without the separator would let it through.
  mkdirSync(join(top, 'store-private'));
  writeFileSync(join(top, 'store-private', 'key'), 'outside the store');
  symlinkSync(join(top, 'secret.txt'), join(store, 'runs', 'c', 'k', 'link-out'));
  symlinkSync(top, join(store, 'runs', 'c', 'dir-out'));
  symlinkSync(join(store, 'runs', 'c', 'k', 'result.json'), join(store, 'runs', 'c', 'link-in'));
  return { top, store };
}

test('a plain path inside the store resolves to its file; a symlink that stays inside is followed', () => {
  const { store } = layout();
  assert.equal(resolveInsideRoot(store, ['runs', 'c', 'k', 'result.json']), join(store, 'runs', 'c', 'k', 'result.json'));
  assert.equal(resolveInsideRoot(store, ['runs', 'c', 'link-in']), join(store, 'runs', 'c', 'k', 'result.json'));
  assert.equal(resolveInsideRoot(store, ['runs', 'c', 'k', 'result%2Ejson']), join(store, 'runs', 'c', 'k', 'result.json'), 'percent-encoding of plain characters is fine');
});

test('nothing outside the store, however the path is spelled', () => {
  const { store } = layout();
  const attempts: string[][] = [
    ['..', 'secret.txt'],
    ['runs', '..', '..', 'secret.txt'],
    ['%2e%2e', 'secret.txt'],
    ['%2E%2E', '%2E%2E', 'secret.txt'],
    ['..%2fsecret.txt'],
    ['runs', '..%2F..%2Fsecret.txt'],
    ['..%5csecret.txt'],
    ['runs', 'c', 'k', '%2e%2e', '%2e%2e', '%2e%2e', '%2e%2e', 'secret.txt'],
    ['..', 'store-private', 'key'],
    ['%2Ftmp', 'secret.txt'],
    ['runs', 'c', 'k', 'link-out'],
    ['runs', 'c', 'dir-out', 'secret.txt'],
    ['runs', 'c', 'k', 'result.json%00.png'],
    ['runs', '', 'c'],
    ['.', 'runs'],
    ['%E0%A4%A'],
    [],
  ];
  for (const a of attempts) assert.equal(resolveInsideRoot(store, a), null, `/${a.join('/')}`);
});

test('directories and missing files are not served', () => {
  const { store } = layout();
  assert.equal(resolveInsideRoot(store, ['runs', 'c']), null);
  assert.equal(resolveInsideRoot(store, ['runs', 'c', 'k', 'missing.json']), null);
});
