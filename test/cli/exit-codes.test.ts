import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/base/home.js';

function bindbench(args: string[]) {
  const home = mkdtempSync(join(tmpdir(), 'bindbench-cli-'));
  const r = spawnSync(process.execPath, [join(packageRoot, 'bin', 'bindbench.js'), '--home', home, ...args], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout, home };
}

test('--help exits 0', () => {
  assert.equal(bindbench(['run', '--help']).code, 0);
});

test('a malformed spec file exits 2 naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spec-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'models: [lenet1\nseeds: {');
  const r = bindbench(['run', '--spec', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.yaml is not valid YAML\/JSON/);
});

test('a spec with a wrong field exits 2 naming the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spec-'));
  const file = join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify({ devices: ['gpu'] }));
  const r = bindbench(['run', '--spec', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /devices\.0: 'gpu' is not allowed; allowed values: cpu, cuda/);
});

test('an unknown model and an unknown binding exit 2 with the allowed values', () => {
  const m = bindbench(['run', '--models', 'lenet9']);
  assert.equal(m.code, 2);
  assert.match(m.stderr, /unknown model 'lenet9'; allowed values: lenet1, lenet5/);
  const b = bindbench(['run', '--bindings', 'pytorch/fortran']);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /unknown binding 'pytorch\/fortran'/);
});

test('an unknown flag exits 2', () => {
  assert.equal(bindbench(['run', '--epochz', '3']).code, 2);
});

test('a corrupt data file exits 2 naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
  for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(dir, f), Buffer.from([0, 0, 8, 1, 0, 0, 0, 9]));
  const r = bindbench(['data', 'prepare', 'mnist', '--data-dir', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /train-images-idx3-ubyte is truncated or corrupt/);
});

test('doctor lists every known binding', () => {
  const r = bindbench(['doctor', '--json']);
  assert.equal(r.code, 0);
  const ids = (JSON.parse(r.stdout).bindings as Array<{ id: string; installed: boolean }>).map((b) => b.id);
  assert.ok(ids.includes('pytorch/csharp') && ids.includes('tensorflow/csharp'));
});
