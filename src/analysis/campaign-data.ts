/**
 * The store query behind every analysis: a campaign's runs and accuracy curves, read from the SQLite index into
 * plain records. The RQ modules take these records and never touch the store themselves.
 */
import { BadInputError } from '../errors.js';
import type { IndexDb } from '../store/index-db.js';
import { ANALYSIS_FRAMEWORK, runRecordColumns, withFlags, type RunRecord } from '../store/run-records.js';

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

/** Campaign ids in the index, newest first. */
export function listIndexedCampaigns(db: IndexDb): Array<{ id: string; created: string }> {
  return db.prepare('SELECT id, created FROM campaigns ORDER BY created DESC, id').all() as Array<{ id: string; created: string }>;
}

export function loadCampaignData(db: IndexDb, campaign: string): CampaignData {
  const row = db.prepare('SELECT id, created FROM campaigns WHERE id = ?').get(campaign) as { id: string; created: string } | undefined;
  if (!row) {
    const known = listIndexedCampaigns(db).map((c) => c.id);
    throw new BadInputError(`no campaign '${campaign}' in the index${known.length ? `; known campaigns: ${known.join(', ')}` : ''} (\`bindbench runs reindex\` rebuilds the index from the run directories)`);
  }
  const runs = (
    db
      .prepare(`SELECT ${runRecordColumns(ANALYSIS_FRAMEWORK)} FROM runs WHERE campaign = ? ORDER BY model, binding, seed, device, id`)
      .all(campaign) as RunRecord[]
  ).map(withFlags);
  const curves = new Map<string, AccuracyCurves>();
  const epochs = db
    .prepare(
      `SELECT e.run_id AS run_id, e.train_accuracy AS train, e.test_accuracy AS test FROM epochs e JOIN runs r ON r.id = e.run_id
       WHERE r.campaign = ? AND r.mode = 'train' ORDER BY e.run_id, e.epoch`,
    )
    .all(campaign) as Array<{ run_id: string; train: number; test: number }>;
  for (const e of epochs) {
    let c = curves.get(e.run_id);
    if (!c) curves.set(e.run_id, (c = { train: [], test: [] }));
    c.train.push(e.train);
    c.test.push(e.test);
  }
  return { id: row.id, created: row.created, runs, curves };
}
