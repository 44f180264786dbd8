/**
 * The store queries behind the figures and the run pages: rows of the SQLite index as plain records, plus the two
 * files per run the index does not hold (campaign.json's spec and a run's environment.json). Figures are pure
 * functions of these records; nothing here shapes data for a particular chart.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IndexDb } from '../../store/index-db.js';
import { runPaths, type RunResultFile } from '../../store/run-dir.js';
import { runRecordColumns, withFlags, type RunRecord } from '../../store/run-records.js';

export interface CampaignListing {
  id: string;
  created: string;
  runs: number;
  ok: number;
  failed: number;
  notSupported: number;
  notAvailable: number;
}

/** A run as the figures and run pages show it: the analysis record plus what those pages print. */
export interface FigureRun extends RunRecord {
  cellKey: string;
  language: string;
  finalTrainAccuracy: number | null;
  maxAbsLogitDiff: number | null;
  started: string;
  finished: string;
}

export interface EpochPoint {
  runId: string;
  epoch: number;
  trainAccuracy: number;
  testAccuracy: number;
  loss: number | null;
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
  runs: FigureRun[];
  /** Epoch rows of the campaign's training runs, by run id, in epoch order. */
  epochs: Map<string, EpochPoint[]>;
}

export function listCampaigns(db: IndexDb): CampaignListing[] {
  return (
    db
      .prepare(
        `SELECT c.id AS id, c.created AS created, COUNT(r.id) AS runs, COALESCE(SUM(r.status = 'ok'), 0) AS ok,
                COALESCE(SUM(r.status = 'failed'), 0) AS failed, COALESCE(SUM(r.status = 'not_supported'), 0) AS notSupported,
                COALESCE(SUM(r.status = 'not_available'), 0) AS notAvailable
         FROM campaigns c LEFT JOIN runs r ON r.campaign = c.id GROUP BY c.id ORDER BY c.created DESC, c.id`,
      )
      .all() as CampaignListing[]
  );
}

export function campaignExists(db: IndexDb, id: string): boolean {
  return db.prepare('SELECT 1 FROM campaigns WHERE id = ?').get(id) !== undefined;
}

/** Keeps the runs the filter selects. An infer run matches a binding filter as its target or its source. */
export function filterRuns(runs: readonly FigureRun[], filter: RunFilter): FigureRun[] {
  return runs.filter(
    (r) =>
      (!filter.model || r.model === filter.model) &&
      (!filter.device || r.device === filter.device) &&
      (!filter.binding || r.binding === filter.binding || r.sourceBinding === filter.binding),
  );
}

/**
 * The index takes an infer run's source from what the run found (result.source), which a skipped run never wrote;
 * its planned source is in the cell of its result.json, so that is read for those runs only.
 */
function plannedSource(store: string, run: FigureRun): { binding: string; loadMode: string } | null {
  try {
    const result = JSON.parse(readFileSync(runPaths(store, run.campaign, run.cellKey).result, 'utf8')) as Partial<RunResultFile>;
    const source = result.cell?.source;
    return source ? { binding: source.binding, loadMode: source.loadMode } : null;
  } catch {
    return null;
  }
}

/** A campaign's runs and training curves; null when the index has no such campaign. */
export function loadCampaignRuns(db: IndexDb, store: string, campaign: string, filter: RunFilter = {}): CampaignRuns | null {
  const c = db.prepare('SELECT id, created, spec FROM campaigns WHERE id = ?').get(campaign) as { id: string; created: string; spec: string | null } | undefined;
  if (!c) return null;
  const rows = db
    .prepare(
      `SELECT ${runRecordColumns()}, cell_key AS cellKey, language, final_train_accuracy AS finalTrainAccuracy,
              max_abs_logit_diff AS maxAbsLogitDiff, started, finished
       FROM runs WHERE campaign = ? ORDER BY mode DESC, model, binding, seed, device, cellKey`,
    )
    .all(campaign) as FigureRun[];
  const all = rows.map(withFlags).map((r) => {
    if (r.mode !== 'infer' || (r.sourceBinding !== null && r.loadMode !== null)) return r;
    const planned = plannedSource(store, r);
    return planned ? { ...r, sourceBinding: r.sourceBinding ?? planned.binding, loadMode: r.loadMode ?? planned.loadMode } : r;
  });
  const runs = filterRuns(all, filter);
  const wanted = new Set(runs.map((r) => r.id));
  const epochs = new Map<string, EpochPoint[]>();
  const epochRows = db
    .prepare(
      `SELECT e.run_id AS runId, e.epoch AS epoch, e.train_accuracy AS trainAccuracy, e.test_accuracy AS testAccuracy, e.loss AS loss
       FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.campaign = ? AND r.mode = 'train' ORDER BY e.run_id, e.epoch`,
    )
    .all(campaign) as EpochPoint[];
  for (const e of epochRows) {
    if (!wanted.has(e.runId)) continue;
    let list = epochs.get(e.runId);
    if (!list) epochs.set(e.runId, (list = []));
    list.push(e);
  }
  let spec: unknown = null;
  try {
    spec = c.spec ? JSON.parse(c.spec) : null;
  } catch {
    spec = null;
  }
  return { id: c.id, created: c.created, spec, runs, epochs };
}

/** Distinct values of a run field over the campaigns given, sorted (the filter menus). */
export function distinctValues(runs: readonly FigureRun[], field: 'model' | 'binding' | 'device' | 'framework'): string[] {
  return [...new Set(runs.map((r) => r[field]))].sort();
}

/** A run's environment.json, or null when it has none (or it cannot be parsed, which the caller shows as missing). */
export function readRunEnvironment(store: string, campaign: string, cellKey: string): unknown {
  const path = runPaths(store, campaign, cellKey).environment;
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return null;
  }
}
