/** Pure planning: a resolved spec and the bindings at hand become the list of cells to run. */
import type { BindingDescriptor } from '../bindings/binding.js';
import type { ArtifactFormat } from '../protocol/request.js';
import { models as zooModels } from '../zoo/models.js';
import { cellKey, type Cell, type LoadMode } from './cell.js';
import { presets } from './presets.js';
import type { CampaignSpec } from './spec.js';

export interface PlannedCell extends Cell {
  /** Why the cell will not be launched, and with which status. */
  skip: { status: 'not_supported' | 'not_available'; reason: string } | null;
}

/** Formats that can carry a model in each load mode, in order of preference. */
export const LOAD_MODE_FORMATS: Record<LoadMode, ArtifactFormat[]> = {
  states: ['safetensors'],
  serialization: ['torchscript', 'savedmodel', 'tfjs-layers'],
  onnx: ['onnx'],
};

/**
 * Cells are ordered model → seed → binding, so the bindings of one seed run next to each other and a slow drift
 * of the machine (heat, background load) spreads over all bindings instead of falling on one. Infer cells come
 * after every train cell, since they load what training wrote.
 */
export function planCampaign(spec: CampaignSpec, bindings: BindingDescriptor[], installed: ReadonlySet<string>): PlannedCell[] {
  const chosen = spec.bindings === 'installed' ? bindings.filter((b) => installed.has(b.id)) : spec.bindings.map((id) => bindings.find((b) => b.id === id)!);
  const preset = presets[spec.preset]!;
  const inferring = spec.experiments.includes('infer');
  const train: PlannedCell[] = [];
  const infer: PlannedCell[] = [];
  const isSource = (b: BindingDescriptor) => (spec.infer_sources === 'reference' ? b.reference : spec.infer_sources.includes(b.id));
  for (const modelId of spec.models) {
    const base = preset.perModel[modelId]!;
    const hyper = {
      ...base.hyper,
      epochs: spec.overrides.epochs ?? base.hyper.epochs,
      batch_size: spec.overrides.batch_size ?? base.hyper.batch_size,
      optimizer: { ...base.hyper.optimizer, learning_rate: spec.overrides.learning_rate ?? base.hyper.optimizer.learning_rate },
    };
    const trainLimit = spec.overrides.train_limit !== undefined ? spec.overrides.train_limit : base.trainLimit;
    const testLimit = base.testLimit ?? null;
    for (const seed of spec.seeds) {
      for (const device of spec.devices) {
        for (const binding of chosen) {
          const common = { model: modelId, seed, device, hyper, trainLimit, testLimit, dataOrder: spec.data_order, init: spec.init };
          const source = inferring && isSource(binding) && (spec.infer_seeds === 'all' || spec.infer_seeds.includes(seed));
          // A source exports everything some target might load; others keep the canonical weights only.
          const artifacts = binding.capabilities.exports.filter((f) => f === 'safetensors' || source);
          const cell: Cell = { ...common, key: '', binding: binding.id, mode: 'train', artifacts };
          cell.key = cellKey(cell);
          train.push({ ...cell, skip: trainSkip(binding, modelId, device, installed, testLimit) });
          if (!source) continue;
          // The source loading its own weights comes first: its logits are what the other targets are compared with.
          for (const target of [binding, ...chosen.filter((t) => t !== binding)]) {
            for (const loadMode of (['states', 'serialization', 'onnx'] as const).filter((m) => spec.infer_modes.includes(m))) {
              if (!targets(binding, target, loadMode)) continue;
              const written = LOAD_MODE_FORMATS[loadMode].filter((f) => binding.capabilities.exports.includes(f));
              const format = written.find((f) => target.capabilities.loads.includes(f));
              const inferCell: Cell = {
                ...common,
                key: '',
                binding: target.id,
                mode: 'infer',
                artifacts: [],
                source: { binding: binding.id, cellKey: cell.key, loadMode, format: format ?? written[0] ?? LOAD_MODE_FORMATS[loadMode][0]! },
              };
              inferCell.key = cellKey(inferCell);
              const skip =
                inferSkip(target, modelId, device, installed, testLimit, loadMode) ??
                (format ? null : { status: 'not_supported' as const, reason: written.length ? `${target.id} loads none of the ${loadMode} formats ${binding.id} writes (${written.join(', ')})` : `${binding.id} writes no ${loadMode} format (${LOAD_MODE_FORMATS[loadMode].join(', ')})` });
              infer.push({ ...inferCell, skip });
            }
          }
        }
      }
    }
  }
  return [...train, ...infer];
}

/** Whether `target` belongs in the infer matrix of `source` for this mode. */
function targets(source: BindingDescriptor, target: BindingDescriptor, mode: LoadMode): boolean {
  if (mode === 'onnx') return target.framework === source.framework || target.framework === 'onnx';
  return target.framework === source.framework;
}

function commonSkip(binding: BindingDescriptor, model: string, device: 'cpu' | 'cuda', installed: ReadonlySet<string>, testLimit: number | null, loadMode?: LoadMode): PlannedCell['skip'] {
  const caps = binding.capabilities;
  const runs = caps.models.includes(model) || (loadMode === 'serialization' && (caps.serializedModels ?? []).includes(model));
  if (!runs) {
    return { status: 'not_supported', reason: caps.missingModels?.[model] ?? `${binding.id} has no ${zooModels[model]?.title ?? model} in its runner` };
  }
  if (testLimit !== null && !caps.testLimit) {
    return { status: 'not_supported', reason: `${binding.id}'s runner does not read data.test_limit, and this preset evaluates ${zooModels[model]?.title ?? model} on the first ${testLimit} test examples only` };
  }
  if (!caps.devices.includes(device)) return { status: 'not_supported', reason: `${binding.id} cannot run on ${device}` };
  if (!installed.has(binding.id)) return { status: 'not_available', reason: `${binding.id} is not installed here: run \`bindbench setup --bindings ${binding.id}\`` };
  return null;
}

function trainSkip(binding: BindingDescriptor, model: string, device: 'cpu' | 'cuda', installed: ReadonlySet<string>, testLimit: number | null): PlannedCell['skip'] {
  if (!binding.capabilities.train.supported) return { status: 'not_supported', reason: binding.capabilities.train.reason };
  return commonSkip(binding, model, device, installed, testLimit);
}

function inferSkip(binding: BindingDescriptor, model: string, device: 'cpu' | 'cuda', installed: ReadonlySet<string>, testLimit: number | null, loadMode: LoadMode): PlannedCell['skip'] {
  if (!binding.capabilities.infer.supported) return { status: 'not_supported', reason: binding.capabilities.infer.reason };
  return commonSkip(binding, model, device, installed, testLimit, loadMode);
}
