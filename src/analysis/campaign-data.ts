/**
 * What every analysis reads: a campaign's run records and accuracy curves, taken from the store's queries. The RQ
 * modules take this object and never touch the store themselves.
 */
import type { CampaignRow, EpochPoint, ResultStore } from '../store/result-store.js';
import type { RunRecord } from '../store/queries.js';
import { campaignRunsRung, LADDER, rungCampaignName, type LadderData, type RungSpecSettings } from './ladder.js';

export type { RunRecord };

/** Per-epoch accuracies of a training run, in epoch order. */
export interface AccuracyCurves {
  train: number[];
  /** Null where the run skipped the test set (test_every). */
  test: Array<number | null>;
}

export interface CampaignData {
  id: string;
  created: string;
  runs: RunRecord[];
  /** By run id; training runs only. */
  curves: Map<string, AccuracyCurves>;
  /** The attribution ladder `bindbench explain` ran for this campaign, when it did. */
  ladder?: LadderData;
}

/** The analysis' view of records a caller already read from the store (the report reads them once for both views). */
export function campaignData(row: Pick<CampaignRow, 'id' | 'created'>, runs: RunRecord[], epochs: ReadonlyMap<string, readonly EpochPoint[]>): CampaignData {
  const curves = new Map<string, AccuracyCurves>();
  for (const [runId, points] of epochs) curves.set(runId, { train: points.map((p) => p.trainAccuracy), test: points.map((p) => p.testAccuracy) });
  return { id: row.id, created: row.created, runs, curves };
}

export function loadCampaignData(store: ResultStore, campaign: string): CampaignData {
  const data = campaignData(store.requireCampaign(campaign), store.runs(campaign), store.epochs(campaign));
  const ladder = loadLadderData(store, campaign, data.runs);
  return ladder ? { ...data, ladder } : data;
}

/**
 * The rung campaigns `bindbench explain` ran for `campaign` (named by rungCampaignName), with the original standing
 * for a rung whose settings it ran itself; undefined when no rung campaign exists (or the campaign was imported).
 */
export function loadLadderData(store: ResultStore, campaign: string, originalRuns: RunRecord[] = store.runs(campaign)): LadderData | undefined {
  const spec = store.hasCampaign(campaign) ? (store.readCampaign(campaign).spec as RungSpecSettings | null) : null;
  if (!spec || typeof spec !== 'object') return undefined;
  const rungs = new Map<string, { campaign: string; reused: boolean; runs: RunRecord[] }>();
  for (const rung of LADDER) {
    const name = rungCampaignName(campaign, rung);
    if (store.campaign(name)) rungs.set(rung.id, { campaign: name, reused: false, runs: store.runs(name) });
    else if (campaignRunsRung(spec, rung)) rungs.set(rung.id, { campaign, reused: true, runs: originalRuns });
  }
  if (![...rungs.values()].some((r) => !r.reused)) return undefined;
  const last = rungs.get(LADDER.at(-1)!.id);
  const stepLosses = new Map<string, number[]>();
  for (const r of last?.runs ?? []) {
    if (r.mode !== 'train' || r.status !== 'ok') continue;
    const losses = (store.readRun(last!.campaign, r.cellKey)?.events ?? []).flatMap((e) => (e.type === 'step' ? [e.loss] : []));
    if (losses.length) stepLosses.set(r.id, losses);
  }
  return { rungs, stepLosses };
}
