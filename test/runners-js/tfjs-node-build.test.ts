/** The offline build helpers of the TensorFlow.js runner: what they check before touching anything. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedVersion, missingWasmFiles, nodeHeadersDir, pinnedVersions } from '../../src/bindings/tfjs-node-build.js';

function withNodedir<T>(dir: string, fn: () => T): T {
  const saved = process.env.npm_config_nodedir;
  process.env.npm_config_nodedir = dir;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.npm_config_nodedir;
    else process.env.npm_config_nodedir = saved;
  }
}

test('missing Node headers stop the addon build with the Debian package to install', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bindbench-nodedir-'));
  try {
    assert.throws(() => withNodedir(dir, nodeHeadersDir), (err: Error) => {
      assert.match(err.message, /libnode-dev/);
      assert.ok(err.message.includes(join(dir, 'include', 'node', 'node_api.h')), err.message);
      return true;
    });
    mkdirSync(join(dir, 'include', 'node'), { recursive: true });
    writeFileSync(join(dir, 'include', 'node', 'node_api.h'), '');
    assert.equal(withNodedir(dir, nodeHeadersDir), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the runner package pins exact versions of tfjs-node, tfjs and the wasm backend', () => {
  const pins = pinnedVersions();
  for (const pkg of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs']) assert.equal(pins[pkg], '4.22.0', pkg);
});

test('an installed tfjs-backend-wasm ships its three .wasm binaries', (t) => {
  if (installedVersion('@tensorflow/tfjs-backend-wasm') === null) return t.skip('runners/js packages are not installed: run `bindbench setup tensorflow/js-wasm`');
  assert.deepEqual(missingWasmFiles(), []);
});
