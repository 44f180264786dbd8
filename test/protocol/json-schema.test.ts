import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/base/home.js';
import { protocolJsonSchema } from '../../src/protocol/json-schema.js';

test('docs/protocol.schema.json is up to date with the zod schemas (regenerate: npm run docs)', () => {
  const committed = JSON.parse(readFileSync(join(packageRoot, 'docs', 'protocol.schema.json'), 'utf8'));
  assert.deepEqual(committed, JSON.parse(JSON.stringify(protocolJsonSchema())));
});
