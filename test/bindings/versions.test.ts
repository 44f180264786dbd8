/** Several versions of one binding: ids, descriptors, environments, validation, and what the runner is told. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { bindings, bindingIdsWithVersions, campaignBindings } from '../../src/bindings/index.js';
import { descriptorFor, splitBindingId } from '../../src/bindings/versions.js';
import { pythonEnv, requirementsText } from '../../src/bindings/python-env.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { setupOrder } from '../../src/cli/setup.js';
import { BadInputError } from '../../src/base/errors.js';
import { tempHome } from '../fixtures/temp-home.js';

const withVersions = bindings.filter((b) => b.versions);

test('a binding id may carry a version; only bindings with versions take one, and the version must look like one', () => {
  assert.deepEqual(splitBindingId('pytorch/python@2.10.0'), { base: 'pytorch/python', version: '2.10.0' });
  assert.deepEqual(splitBindingId('pytorch/python'), { base: 'pytorch/python', version: null });
  assert.ok(withVersions.length >= 2, 'pytorch/python and tensorflow/js have versions');
  for (const b of withVersions) {
    const v = descriptorFor(`${b.id}@1.2.3`, bindings);
    assert.equal(v.id, `${b.id}@1.2.3`);
    assert.equal(v.framework, b.framework);
    assert.equal(v.reference, false, 'the pinned default stays the reference');
    assert.deepEqual(v.capabilities, b.capabilities);
    assert.equal(descriptorFor(`${b.id}@${b.versions!.pinned}`, bindings), b, 'the pinned version is the default binding');
  }
  const without = bindings.find((b) => !b.versions)!;
  assert.throws(() => descriptorFor(`${without.id}@1.0.0`, bindings), (e: Error) => e instanceof BadInputError && /has no versioned setup/.test(e.message) && /versions are available for .*@<version>/.test(e.message));
  assert.throws(() => descriptorFor(`${withVersions[0]!.id}@latest`, bindings), /'latest' is not a version/);
  assert.throws(() => descriptorFor('nope/python@1.0', bindings), /unknown binding 'nope\/python@1.0'/);
});

test('a spec may name versioned bindings; the campaign gets a descriptor for each', () => {
  const py = withVersions.find((b) => b.framework === 'pytorch')!;
  const spec = resolveSpec({ preset: 'quick', models: ['lenet5'], bindings: [py.id, `${py.id}@2.10.0`] }, bindingIdsWithVersions());
  assert.deepEqual(spec.bindings, [py.id, `${py.id}@2.10.0`]);
  const list = campaignBindings(spec.bindings);
  assert.equal(list.filter((b) => b.id === `${py.id}@2.10.0`).length, 1);
  assert.equal(list.length, bindings.length + 1);
  const without = bindings.find((b) => !b.versions)!;
  assert.throws(() => resolveSpec({ preset: 'quick', bindings: [`${without.id}@1.0.0`] }, bindingIdsWithVersions()), /bindings: unknown binding .*allowed values: .*@<version>/);
});

test('a Python version lives in a venv of its own, installed from the pinned requirements with one line changed', () => {
  const home = tempHome();
  const pin = { package: 'torch', version: '2.10.0' };
  const env = pythonEnv(home, 'pytorch', pin);
  assert.equal(env.dir, join(home.envs, 'pytorch@2.10.0'));
  const base = requirementsText(pythonEnv(home, 'pytorch'));
  const mine = requirementsText(env);
  assert.match(base, /^torch==2\.11\.0$/m);
  assert.match(mine, /^torch==2\.10\.0$/m);
  assert.deepEqual(mine.split('\n').filter((l) => !l.startsWith('torch==')), base.split('\n').filter((l) => !l.startsWith('torch==')), 'every other pin as the default');
  const py = withVersions.find((b) => b.framework === 'pytorch')!;
  const launch = py.versions!.variant('2.10.0').launch(home, '/tmp/request.json');
  assert.equal(launch.command, join(home.envs, 'pytorch@2.10.0', 'bin', 'python'));
  assert.deepEqual(py.versions!.installed(home), []);
});

test('a tfjs version runs the same runner code from a folder of its own, whose node_modules hold that version', () => {
  const home = tempHome();
  const js = withVersions.find((b) => b.language === 'javascript')!;
  const launch = js.versions!.variant('4.21.0').launch(home, '/tmp/request.json');
  assert.deepEqual(launch.args, ['--preserve-symlinks', '--preserve-symlinks-main', join(home.envs, 'tensorflow-js@4.21.0', 'dist', 'main.js'), '/tmp/request.json']);
});

test('setting up a version sets up what the binding needs first, once', () => {
  const js = withVersions.find((b) => b.language === 'javascript')!;
  const order = setupOrder(bindings, [`${js.id}@4.21.0`, `${js.id}@${js.versions!.pinned}`]).map((b) => b.id);
  assert.deepEqual(order, [...js.needs, `${js.id}@4.21.0`, ...js.needs.flatMap(() => []), js.id]);
  assert.throws(() => setupOrder(bindings, ['nope']), /allowed values: all, /);
});

test('the runner is told the binding it serves, without the version (the environment it was started in is the version)', async () => {
  const { buildTrainRequest } = await import('../../src/campaign/build-request.js');
  const file = { path: '/x', sha256: 'a'.repeat(64) };
  const cell = { binding: 'pytorch/python@2.10.0', mode: 'train', hyper: { batch_size: 128 }, seed: 1, device: 'cpu', dataOrder: 'shared', init: 'shared', artifacts: [] } as unknown as Parameters<typeof buildTrainRequest>[0];
  const request = buildTrainRequest(cell, { runId: 'r', model: {} as never, data: { id: 'mnist', train: file, test: file } as never, order: null, initWeights: null, outputDir: '/o', recordStepLosses: 0 });
  assert.equal(request.binding, 'pytorch/python');
});

test('a tch version builds the runner in a workspace of its own against the libtorch it was released for; an unknown one says which are known', async () => {
  const home = tempHome();
  const rust = bindings.find((b) => b.language === 'rust' && b.framework === 'pytorch')!;
  assert.equal(rust.versions!.package, 'tch');
  assert.equal(rust.versions!.pinned, '0.24.0');
  const v = rust.versions!.variant('0.23.0');
  assert.equal(v.launch(home, '/tmp/r.json').command, join(home.build, 'rust-tch@0.23.0', 'target', 'release', 'pytorch-runner'));
  const { TCH_LIBTORCH } = await import('../../src/bindings/pytorch-rust.js');
  assert.equal(TCH_LIBTORCH['0.23.0'], '2.10.0');
  assert.equal(TCH_LIBTORCH[rust.versions!.pinned], '2.11.0', 'the pinned tch with the pinned torch (runners/python/requirements-pytorch.txt)');
  const ran: string[] = [];
  const ctx = { home, log: () => {}, exec: async (c: string) => void ran.push(c) };
  await assert.rejects(rust.versions!.variant('0.1.0').setup!(ctx), /tch 0\.1\.0 is not available here: bindbench does not know which libtorch it needs \(known: .*tch 0\.23\.0 with libtorch 2\.10\.0/);
  assert.deepEqual(ran, [], 'nothing installed');
  const tf = bindings.find((b) => b.language === 'python' && b.framework === 'tensorflow')!;
  assert.equal(tf.versions!.package, 'tensorflow-cpu');
  assert.equal(tf.versions!.variant('2.20.0').launch(home, '/tmp/r.json').command, join(home.envs, 'tensorflow@2.20.0', 'bin', 'python'));
});
