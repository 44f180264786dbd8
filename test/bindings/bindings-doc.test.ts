import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/base/home.js';
import { bindings } from '../../src/bindings/index.js';
import { renderBindingsDoc } from '../../src/bindings/render-bindings-doc.js';

test('docs/bindings.md is generated from the registry and up to date (regenerate: npm run docs)', () => {
  assert.equal(readFileSync(join(packageRoot, 'docs', 'bindings.md'), 'utf8'), renderBindingsDoc(bindings));
});

test('binding ids are unique, well formed, and each framework has exactly one reference', () => {
  const ids = bindings.map((b) => b.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z]+\/[a-z]+(-[a-z0-9]+)?$/);
  for (const fw of new Set(bindings.map((b) => b.framework))) {
    const refs = bindings.filter((b) => b.framework === fw && b.reference);
    assert.ok(refs.length <= 1, `${fw} has ${refs.length} reference bindings`);
  }
});
