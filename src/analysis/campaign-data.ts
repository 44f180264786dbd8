/**
 * What every analysis reads: a campaign's run records and accuracy curves, taken from the store's queries. The RQ
 * modules take this object and never touch the store themselves.
 */
import type { ResultStore } from '../store/result-store.js';
import type { RunRecord } from '../store/queries.js';

export type { RunRecord };

/** Per-epoch accuracies of a training run, in epoch order. */
export interface AccuracyCurves {
  train: number[];
  test: number[];
}

export interface CampaignData {
  id: string;
  created: string;
  runs: RunRecord[];
  /** By run id; training runs only. */
  curves: Map<string, AccuracyCurves>;
}

export function loadCampaignData(store: ResultStore, campaign: string): CampaignData {
  const row = store.requireCampaign(campaign);
  const curves = new Map<string, AccuracyCurves>();
  for (const [runId, points] of store.epochs(campaign)) {
    curves.set(runId, { train: points.map((p) => p.trainAccuracy), test: points.map((p) => p.testAccuracy) });
  }
  return { id: row.id, created: row.created, runs: store.runs(campaign), curves };
}
