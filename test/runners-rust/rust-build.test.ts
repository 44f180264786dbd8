/**
 * The Rust runners' build plumbing, without building anything: the zoo fixtures the cargo tests read, the
 * pkg-config file for libtensorflow, the diagnosis of cargo failures, and the two descriptors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnoseCargoFailure, findCargo, runnerBinary, rustWorkspace } from '../../src/bindings/cargo-build.js';
import { pytorchRust } from '../../src/bindings/pytorch-rust.js';
import { TRAIN_UNSUPPORTED, tensorflowRust, writeTensorflowPkgConfig } from '../../src/bindings/tensorflow-rust.js';
import { packageRoot, resolveHome } from '../../src/base/home.js';
import { models } from '../../src/zoo/models.js';

test('the zoo specs the cargo tests read equal src/zoo/models.ts', () => {
  for (const id of ['lenet1', 'lenet5', 'vgg16', 'lstm', 'gru', 'gru-reset-before', 'bert-minilm']) {
    const fixture = JSON.parse(readFileSync(join(packageRoot, 'runners', 'rust', 'fixtures', `${id}.json`), 'utf8'));
    assert.deepEqual(fixture, models[id], `runners/rust/fixtures/${id}.json is stale: regenerate it from src/zoo/models.ts`);
  }
});

test('the tensorflow pkg-config file points the linker at the wheel and the rpath at its sonames, idempotently', () => {
  const root = mkdtempSync(join(tmpdir(), 'bindbench-tfpc-'));
  try {
    const wheel = join(root, 'site-packages', 'tensorflow');
    mkdirSync(join(wheel, 'include', 'tensorflow', 'c'), { recursive: true });
    for (const f of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2', join('include', 'tensorflow', 'c', 'c_api.h')]) writeFileSync(join(wheel, f), '');
    const home = resolveHome(join(root, 'home'));
    const paths = writeTensorflowPkgConfig(home, wheel, '2.21.0');
    assert.equal(paths.pcFile, join(home.build, 'pkgconfig', 'tensorflow.pc'));
    const pc = readFileSync(paths.pcFile, 'utf8');
    assert.match(pc, /^Libs: -L\$\{libdir\} -ltensorflow -ltensorflow_framework$/m);
    assert.match(pc, new RegExp(`^runtime_libdir=${wheel}$`, 'm'));
    assert.match(pc, /^Version: 2\.21\.0$/m);
    assert.equal(readlinkSync(join(paths.linkDir, 'libtensorflow.so')), join(wheel, 'libtensorflow_cc.so.2'));
    assert.equal(readlinkSync(join(paths.linkDir, 'libtensorflow_framework.so')), join(wheel, 'libtensorflow_framework.so.2'));
    const written = statSync(paths.pcFile).mtimeMs;
    writeTensorflowPkgConfig(home, wheel, '2.21.0');
    assert.equal(statSync(paths.pcFile).mtimeMs, written, 'a second run leaves the file alone');
    rmSync(join(wheel, 'libtensorflow_framework.so.2'));
    assert.throws(() => writeTensorflowPkgConfig(home, wheel, '2.21.0'), /libtensorflow_framework\.so\.2 is missing/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('cargo failures are diagnosed with their cause and fix', () => {
  assert.match(diagnoseCargoFailure('Error: this tch version expects PyTorch 2.11.0, got 2.10.0, this check can be bypassed'), /torch==2\.11\.0/);
  assert.match(diagnoseCargoFailure('= note: /usr/bin/ld: cannot find -ltensorflow: No such file or directory'), /tensorflow\.pc/);
  assert.match(diagnoseCargoFailure("error: linker `cc` not found"), /build-essential/);
  assert.match(diagnoseCargoFailure('something new'), /first `error:` line/);
});

test('findCargo honours CARGO and reports none when nothing exists', () => {
  const root = mkdtempSync(join(tmpdir(), 'bindbench-cargo-'));
  try {
    const fake = join(root, 'cargo');
    writeFileSync(fake, '');
    assert.equal(findCargo({ CARGO: fake, PATH: '' }), fake);
    const found = findCargo({ PATH: join(root, 'nowhere') });
    // Only rustup's default location can still answer.
    assert.ok(found === null || found.endsWith(join('.cargo', 'bin', 'cargo')), String(found));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the Rust descriptors: tch trains and loads TorchScript, the tensorflow crate only infers from SavedModels', () => {
  assert.equal(pytorchRust.id, 'pytorch/rust');
  assert.deepEqual(pytorchRust.needs, ['pytorch/python']);
  assert.deepEqual(pytorchRust.capabilities.train, { supported: true });
  assert.deepEqual(pytorchRust.capabilities.loads, ['safetensors', 'torchscript']);
  assert.equal(tensorflowRust.id, 'tensorflow/rust');
  assert.deepEqual(tensorflowRust.needs, ['tensorflow/python']);
  assert.deepEqual(tensorflowRust.capabilities.train, { supported: false, reason: TRAIN_UNSUPPORTED });
  assert.deepEqual(tensorflowRust.capabilities.loads, ['savedmodel']);
  const launch = pytorchRust.launch(resolveHome(), '/tmp/request.json');
  assert.equal(launch.command, runnerBinary('pytorch-runner'));
  assert.ok(launch.command.startsWith(join(rustWorkspace, 'target', 'release')));
  assert.deepEqual(launch.args, ['/tmp/request.json']);
});
