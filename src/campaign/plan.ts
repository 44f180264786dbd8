/** Pure planning: a resolved spec and the bindings at hand become the list of cells to run. */
import type { BindingDescriptor } from '../bindings/binding.js';
import { models as zooModels } from '../zoo/models.js';
import { cellKey, type Cell } from './cell.js';
import { presets } from './presets.js';
import type { CampaignSpec } from './spec.js';

export interface PlannedCell extends Cell {
  /** Why the cell will not be launched, and with which status. */
  skip: { status: 'not_supported' | 'not_available'; reason: string } | null;
}

/**
 * Cells are ordered model → seed → binding, so the bindings of one seed run next to each other and a slow drift
 * of the machine (heat, background load) spreads over all bindings instead of falling on one.
 */
export function planCampaign(spec: CampaignSpec, bindings: BindingDescriptor[], installed: ReadonlySet<string>): PlannedCell[] {
  const chosen = spec.bindings === 'installed' ? bindings.filter((b) => installed.has(b.id)) : spec.bindings.map((id) => bindings.find((b) => b.id === id)!);
  const preset = presets[spec.preset]!;
  const cells: PlannedCell[] = [];
  for (const modelId of spec.models) {
    const base = preset.perModel[modelId]!;
    const hyper = {
      ...base.hyper,
      epochs: spec.overrides.epochs ?? base.hyper.epochs,
      batch_size: spec.overrides.batch_size ?? base.hyper.batch_size,
      optimizer: { ...base.hyper.optimizer, learning_rate: spec.overrides.learning_rate ?? base.hyper.optimizer.learning_rate },
    };
    const trainLimit = spec.overrides.train_limit !== undefined ? spec.overrides.train_limit : base.trainLimit;
    for (const seed of spec.seeds) {
      for (const binding of chosen) {
        for (const device of spec.devices) {
          const cell: Cell = {
            key: '',
            model: modelId,
            binding: binding.id,
            seed,
            device,
            mode: 'train',
            hyper,
            trainLimit,
            dataOrder: spec.data_order,
            init: spec.init,
            artifacts: binding.capabilities.exports.includes('safetensors') ? ['safetensors'] : [],
          };
          cell.key = cellKey(cell);
          cells.push({ ...cell, skip: skipReason(binding, modelId, device, installed) });
        }
      }
    }
  }
  return cells;
}

function skipReason(binding: BindingDescriptor, model: string, device: 'cpu' | 'cuda', installed: ReadonlySet<string>): PlannedCell['skip'] {
  const caps = binding.capabilities;
  if (!caps.train.supported) return { status: 'not_supported', reason: caps.train.reason };
  if (!caps.models.includes(model)) return { status: 'not_supported', reason: `${binding.id} has no ${zooModels[model]?.title ?? model} in its runner` };
  if (!caps.devices.includes(device)) return { status: 'not_supported', reason: `${binding.id} cannot run on ${device}` };
  if (!installed.has(binding.id)) return { status: 'not_available', reason: `${binding.id} is not installed here: run \`bindbench setup --bindings ${binding.id}\`` };
  return null;
}
