/**
 * What every analysis reads: a campaign's run records and accuracy curves, taken from the store's queries. The RQ
 * modules take this object and never touch the store themselves.
 */
import type { CampaignRow, EpochPoint, ResultStore } from '../store/result-store.js';
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

/** The analysis' view of records a caller already read from the store (the report reads them once for both views). */
export function campaignData(row: Pick<CampaignRow, 'id' | 'created'>, runs: RunRecord[], epochs: ReadonlyMap<string, readonly EpochPoint[]>): CampaignData {
  const curves = new Map<string, AccuracyCurves>();
  for (const [runId, points] of epochs) curves.set(runId, { train: points.map((p) => p.trainAccuracy), test: points.map((p) => p.testAccuracy) });
  return { id: row.id, created: row.created, runs, curves };
}

export function loadCampaignData(store: ResultStore, campaign: string): CampaignData {
  return campaignData(store.requireCampaign(campaign), store.runs(campaign), store.epochs(campaign));
}
