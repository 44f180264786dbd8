import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { resolveSpec } from '../../src/campaign/spec.js';
import { registerRun } from '../../src/cli/run.js';
import { reproduceCommand, shellQuote, type CellToReproduce } from '../../src/report/html/reproduce-command.js';

const BINDINGS = ['pytorch/python', 'pytorch/rust', 'tensorflow/python'];

const trainCell: CellToReproduce = { campaign: 'c1', cellKey: 'lenet5--pytorch-rust--s7--cpu', model: 'lenet5', binding: 'pytorch/rust', seed: 7, device: 'cpu', style: 'minimal', mode: 'train', sourceBinding: null, loadMode: null };

/** The flags the real `bindbench run` declares. */
function runFlags(): string[] {
  const program = new Command('bindbench');
  registerRun(program);
  return program.commands.find((c) => c.name() === 'run')!.options.map((o) => o.long!);
}

/** Reads a generated command back, refusing any flag `bindbench run` does not declare. */
function parseRunFlags(command: string): Record<string, string> {
  const words = command.split(' ');
  assert.deepEqual(words.slice(0, 2), ['bindbench', 'run']);
  const known = runFlags();
  const program = new Command('run').exitOverride();
  for (const flag of words.filter((w) => w.startsWith('--'))) {
    assert.ok(known.includes(flag), `${flag} is a flag of bindbench run`);
    if (!program.options.some((o) => o.long === flag)) program.option(`${flag} <v>`);
  }
  program.parse(words.slice(2), { from: 'user' });
  return program.opts();
}

test('a training cell: every setting of the spec that shaped the cell, as flags', () => {
  const spec = resolveSpec({ name: 'c1', preset: 'paper', models: ['lenet5'], bindings: ['pytorch/python', 'pytorch/rust'], seeds: [7, 8], devices: ['cpu', 'cuda'], epochs: 3, learning_rate: 0.01, train_limit: 500, data_order: 'native', init: 'shared', timeout_seconds: 99, record_step_losses: 4 }, BINDINGS);
  const { command, note } = reproduceCommand(spec, trainCell);
  assert.equal(note, null);
  const flags = parseRunFlags(command!);
  assert.deepEqual(flags, {
    name: 'rerun-lenet5--pytorch-rust--s7--cpu',
    preset: 'paper',
    models: 'lenet5',
    bindings: 'pytorch/rust',
    seeds: '7',
    devices: 'cpu',
    styles: 'minimal',
    dataOrder: 'native',
    init: 'shared',
    epochs: '3',
    learningRate: '0.01',
    trainLimit: '500',
    timeout: '99',
    recordStepLosses: '4',
  });
});

test('an inference cell trains its source and loads it with the same mode and seed', () => {
  const spec = resolveSpec({ preset: 'quick', bindings: BINDINGS, seeds: [7], experiments: ['train', 'infer'], inference_repetitions: 3 }, BINDINGS);
  const cell: CellToReproduce = { ...trainCell, cellKey: 'k', binding: 'pytorch/rust', mode: 'infer', sourceBinding: 'pytorch/python', loadMode: 'onnx' };
  const { command, note } = reproduceCommand(spec, cell);
  const flags = parseRunFlags(command!);
  assert.equal(flags.bindings, 'pytorch/python,pytorch/rust');
  assert.equal(flags.experiments, 'train,infer');
  assert.equal(flags.inferSources, 'pytorch/python');
  assert.equal(flags.inferModes, 'onnx');
  assert.equal(flags.inferSeeds, '7');
  assert.equal(flags.inferenceRepetitions, '3');
  assert.equal(flags.timeout, undefined, "the preset's own timeout is not repeated");
  assert.match(note!, /trains pytorch\/python \(the source model\) and also pytorch\/rust/);
  // The source loading its own model needs only the source binding.
  assert.equal(parseRunFlags(reproduceCommand(spec, { ...cell, binding: 'pytorch/python' }).command!).bindings, 'pytorch/python');
  assert.match(reproduceCommand(spec, { ...cell, sourceBinding: null }).note!, /no source binding/);
});

test('what flags cannot say is said in the note; imported campaigns have no command', () => {
  const spec = resolveSpec({ preset: 'quick', bindings: BINDINGS, train_limit: null, data_dir: '/tmp' }, BINDINGS);
  const { command, note } = reproduceCommand(spec, trainCell);
  assert.doesNotMatch(command!, /--train-limit/);
  assert.match(command!, /--data-dir \/tmp/);
  assert.match(note!, /train_limit: null/);
  const imported = reproduceCommand({ importer: 'cmpmlbindings', source_dir: '/x' }, trainCell);
  assert.equal(imported.command, null);
  assert.match(imported.note!, /imported by the cmpmlbindings importer/);
  assert.equal(reproduceCommand(null, trainCell).command, null);
});

test('shell quoting leaves plain words alone and quotes the rest safely', () => {
  assert.equal(shellQuote('pytorch/python,pytorch/rust'), 'pytorch/python,pytorch/rust');
  assert.equal(shellQuote('/data/my dir'), "'/data/my dir'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote('$(rm -rf /)'), "'$(rm -rf /)'");
});

test('a cell a Slurm cluster ran: the command runs it here, with its cores, and the note says where it ran', () => {
  const spec = resolveSpec({ name: 'c1', models: ['lenet5'], bindings: ['pytorch/rust'], seeds: [7], executor: 'slurm', cores_per_cell: 4, slurm: { partition: 'gpu' } }, BINDINGS);
  const { command, note } = reproduceCommand(spec, trainCell);
  const flags = parseRunFlags(command!);
  assert.equal(flags.coresPerCell, '4');
  assert.equal(flags.executor, undefined, 'runs here unless the user asks for the cluster');
  assert.match(note!, /ran on a Slurm cluster; this command runs the cell on this machine \(add --executor slurm/);
});
