/**
 * The store query behind every analysis: a campaign's runs and accuracy curves, read from the SQLite index into
 * plain records. The RQ modules take these records and never touch the store themselves.
 */
import { BadInputError } from '../errors.js';
import type { IndexDb } from '../store/index-db.js';

export interface RunRecord {
  id: string;
  campaign: string;
  model: string;
  binding: string;
  framework: string;
  seed: number;
  device: 'cpu' | 'cuda';
  mode: 'train' | 'infer';
  status: string;
  reason: string | null;
  finalTestAccuracy: number | null;
  /** Training time with the per-epoch evaluations excluded. */
  trainSeconds: number | null;
  /** Mean duration of one timed pass over the whole test set (infer runs). */
  meanInferenceSeconds: number | null;
  sourceRun: string | null;
  sourceBinding: string | null;
  loadMode: string | null;
  /** The source model's correct count on the test set, and the loaded model's. */
  sourceCorrect: number | null;
  targetCorrect: number | null;
  reproduced: boolean | null;
  stable: boolean | null;
}

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

interface RunRow {
  id: string;
  campaign: string;
  model: string;
  binding: string;
  framework: string;
  seed: number;
  device: 'cpu' | 'cuda';
  mode: 'train' | 'infer';
  status: string;
  reason: string | null;
  final_test_accuracy: number | null;
  train_seconds: number | null;
  mean_inference_seconds: number | null;
  source_run: string | null;
  source_binding: string | null;
  load_mode: string | null;
  source_correct: number | null;
  target_correct: number | null;
  reproduced: number | null;
  stable: number | null;
}

const flag = (v: number | null): boolean | null => (v === null ? null : v !== 0);

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
  const rows = db
    .prepare(
      // An infer run belongs to the framework its model came from: a neutral runtime (onnxruntime/js) serves both.
      `SELECT id, campaign, model, binding,
              COALESCE(CASE WHEN mode = 'infer' THEN (SELECT s.framework FROM runs s WHERE s.id = runs.source_run) END, framework) AS framework,
              seed, device, mode, status, reason, final_test_accuracy, train_seconds,
              mean_inference_seconds, source_run, source_binding, load_mode, source_correct, target_correct, reproduced, stable
       FROM runs WHERE campaign = ? ORDER BY model, binding, seed, device, id`,
    )
    .all(campaign) as RunRow[];
  const runs: RunRecord[] = rows.map((r) => ({
    id: r.id,
    campaign: r.campaign,
    model: r.model,
    binding: r.binding,
    framework: r.framework,
    seed: r.seed,
    device: r.device,
    mode: r.mode,
    status: r.status,
    reason: r.reason,
    finalTestAccuracy: r.final_test_accuracy,
    trainSeconds: r.train_seconds,
    meanInferenceSeconds: r.mean_inference_seconds,
    sourceRun: r.source_run,
    sourceBinding: r.source_binding,
    loadMode: r.load_mode,
    sourceCorrect: r.source_correct,
    targetCorrect: r.target_correct,
    reproduced: flag(r.reproduced),
    stable: flag(r.stable),
  }));
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
