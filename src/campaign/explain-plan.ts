/**
 * The attribution ladder as campaigns: one campaign per rung (src/analysis/ladder.ts), with the original campaign's
 * preset, hyper-parameter overrides, seeds and devices, the models and bindings of the differences to explain, and
 * the rung's init, data order, layer defaults and style. A rung whose settings the original campaign already ran is
 * the original campaign itself (nothing to run).
 */
import { campaignRunsRung, LADDER, rungCampaignName, type Difference, type Rung } from '../analysis/ladder.js';
import type { CampaignSpec } from './spec.js';

export interface RungCampaign {
  rung: Rung;
  /** The campaign that holds (or will hold) the rung's runs. */
  campaign: string;
  /** The original campaign already ran these settings: nothing to run. */
  reused: boolean;
  /** What to run, when not reused: a written spec for resolveSpec, which validates it. */
  spec: Record<string, unknown> | null;
}

export function planLadder(original: string, spec: CampaignSpec, differences: readonly Difference[]): RungCampaign[] {
  if (differences.length === 0) return [];
  const models = [...new Set(differences.map((d) => d.model))];
  const bindings = [...new Set(differences.flatMap((d) => [d.reference, d.binding]))];
  const devices = [...new Set(differences.map((d) => d.device))] as Array<'cpu' | 'cuda'>;
  const accuracy = differences.some((d) => d.quantity === 'final test accuracy');
  return LADDER.map((rung, i): RungCampaign => {
    if (campaignRunsRung(spec, rung)) return { rung, campaign: original, reused: true, spec: null };
    const campaign = rungCampaignName(original, rung);
    const o = spec.overrides;
    const written: Record<string, unknown> = {
      name: campaign,
      preset: spec.preset,
      models,
      bindings,
      seeds: spec.seeds,
      devices,
      styles: [rung.settings.style],
      data_order: rung.settings.data_order,
      init: rung.settings.init,
      layer_defaults: rung.settings.layer_defaults,
      deterministic: spec.deterministic ?? true,
      ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
      ...(o.batch_size !== undefined ? { batch_size: o.batch_size } : {}),
      ...(o.learning_rate !== undefined ? { learning_rate: o.learning_rate } : {}),
      ...(o.train_limit !== undefined ? { train_limit: o.train_limit } : {}),
      ...(spec.data_dir ? { data_dir: spec.data_dir } : {}),
      timeout_seconds: spec.timeout_seconds,
      // The rungs' times are set against the original's: they run on the schedule it ran on.
      ...(spec.parallel && spec.parallel > 1 ? { parallel: spec.parallel } : {}),
      ...(spec.cores_per_cell ? { cores_per_cell: spec.cores_per_cell } : {}),
      // On the last rung nothing but the kernels differ: its step losses show where an accuracy gap starts.
      ...(accuracy && i === LADDER.length - 1 ? { record_step_losses: 50 } : {}),
      experiments: ['train'],
    };
    return { rung, campaign, reused: false, spec: written };
  });
}
