/**
 * The runs one view shows (a campaign page, a run page, the figures), from the store's queries: a campaign's run
 * records, its epochs and its spec, narrowed by the view's filter. Figures are pure functions of these records.
 */
import { campaignData, defaultAnalysisOptions, familyOf, loadLadderData, reproductionOf, type CampaignData, type RunFamily } from '../analysis/index.js';
import type { FrameworkFacts } from '../bindings/index.js';
import type { CampaignRow, EpochPoint, ResultStore, RunRecord } from '../store/result-store.js';

export type { EpochPoint };

/**
 * A run as a view shows it: its record, with the analysis' reproduction verdicts in `reproduced`/`stable` and its
 * family, so a figure groups runs exactly as the statistics table beside it does.
 */
export interface ReportRun extends RunRecord {
  family: RunFamily;
}

/** The analysis' view of the records (families, verdicts): the only computation a report page sees. */
export function reportRuns(runs: readonly RunRecord[], facts: FrameworkFacts = defaultAnalysisOptions): ReportRun[] {
  return runs.map((r) => ({ ...r, ...reproductionOf(r), family: familyOf(r, facts) }));
}

/** Which runs a view shows; an absent field does not filter. */
export interface RunFilter {
  model?: string;
  binding?: string;
  device?: string;
}

export interface CampaignRuns {
  id: string;
  created: string;
  /** campaign.json's `spec` as stored in the index (a CampaignSpec for bindbench campaigns, import details otherwise). */
  spec: unknown;
  runs: ReportRun[];
  /** Epoch rows of the campaign's training runs, by run id, in epoch order. */
  epochs: Map<string, EpochPoint[]>;
}

const MODE_ORDER = ['train', 'infer', 'convert'];

/** Training runs first, then the loads; within each, model, binding, seed, device, cell (how run tables list them). */
function displayOrder(a: ReportRun, b: ReportRun): number {
  const cmp = (x: string | number, y: string | number) => (x < y ? -1 : x > y ? 1 : 0);
  return cmp(MODE_ORDER.indexOf(a.mode), MODE_ORDER.indexOf(b.mode)) || cmp(a.model, b.model) || cmp(a.binding, b.binding) || cmp(a.seed, b.seed) || cmp(a.device, b.device) || cmp(a.cellKey, b.cellKey);
}

/** Keeps the runs the filter selects. An infer run matches a binding filter as its target or its source. */
export function filterRuns<T extends RunRecord>(runs: readonly T[], filter: RunFilter): T[] {
  return runs.filter(
    (r) =>
      (!filter.model || r.model === filter.model) &&
      (!filter.device || r.device === filter.device) &&
      (!filter.binding || r.binding === filter.binding || r.sourceBinding === filter.binding),
  );
}

/** The view of records a caller already read from the store: the filtered runs in display order, their epochs. */
export function campaignRuns(row: CampaignRow, records: readonly RunRecord[], epochs: ReadonlyMap<string, EpochPoint[]>, filter: RunFilter = {}, facts?: FrameworkFacts): CampaignRuns {
  const runs = reportRuns(filterRuns(records, filter), facts).sort(displayOrder);
  const wanted = new Set(runs.map((r) => r.id));
  return { id: row.id, created: row.created, spec: row.spec, runs, epochs: new Map([...epochs].filter(([id]) => wanted.has(id))) };
}

/** A campaign's runs and training curves; null when the index has no such campaign. */
export function loadCampaignRuns(store: ResultStore, campaign: string, filter: RunFilter = {}, facts?: FrameworkFacts): CampaignRuns | null {
  const row = store.campaign(campaign);
  return row ? campaignRuns(row, store.runs(campaign), store.epochs(campaign), filter, facts) : null;
}

/**
 * A campaign read once for both views of it: the report's runs (unfiltered) and the analysis' data. Null when the
 * index has no such campaign.
 */
export function loadCampaignViews(store: ResultStore, campaign: string, facts?: FrameworkFacts): { runs: CampaignRuns; data: CampaignData } | null {
  const row = store.campaign(campaign);
  if (!row) return null;
  const records = store.runs(campaign);
  const epochs = store.epochs(campaign);
  const ladder = loadLadderData(store, campaign, records);
  return { runs: campaignRuns(row, records, epochs, {}, facts), data: { ...campaignData(row, records, epochs), ...(ladder ? { ladder } : {}) } };
}

/** Distinct values of a run field over the runs given, sorted (the filter menus). */
export function distinctValues(runs: readonly RunRecord[], field: 'model' | 'binding' | 'device' | 'framework'): string[] {
  return [...new Set(runs.map((r) => r[field]))].sort();
}
