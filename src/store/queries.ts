/**
 * Every read of the SQLite index, as typed functions returning plain records. Nothing outside the store writes SQL:
 * the analysis, the report, the CLI and the server call these (through `ResultStore`).
 */
import type { IndexDb } from './index-db.js';
import type { TimePhases } from './run-result.js';

/** A run as every reader sees it: the facts the index holds, nothing computed from other runs. */
export interface RunRecord {
  id: string;
  campaign: string;
  cellKey: string;
  model: string;
  binding: string;
  /** The framework of the binding that ran (its descriptor's). */
  framework: string;
  language: string;
  seed: number;
  device: 'cpu' | 'cuda';
  mode: 'train' | 'infer' | 'convert';
  status: string;
  reason: string | null;
  finalTrainAccuracy: number | null;
  finalTestAccuracy: number | null;
  /** Training time with the per-epoch evaluations excluded. */
  trainSeconds: number | null;
  /** Mean duration of one timed pass over the whole test set (infer runs). */
  meanInferenceSeconds: number | null;
  /** Infer and convert runs: the training run whose model was loaded, its binding and that binding's framework. */
  sourceRun: string | null;
  sourceBinding: string | null;
  /** Null when the source run is not in the index. */
  sourceFramework: string | null;
  loadMode: string | null;
  /** The source model's correct count on the test set, and the loaded model's (first timed pass). */
  sourceCorrect: number | null;
  targetCorrect: number | null;
  /**
   * Reproduction and stability as the data's own source recorded them (an imported study's flags); null when the
   * source recorded none, and then the analysis computes them (`recordedVerdicts` says which).
   */
  reproduced: boolean | null;
  stable: boolean | null;
  recordedVerdicts: boolean;
  /** Infer runs: the timed passes over the test set, in order (the facts stability is judged on). */
  timedPasses: TimedPass[];
  /** Largest |logit difference| an older bindbench recorded in the result; new runs leave it to the analysis. */
  maxAbsLogitDiff: number | null;
  dataOrder: string | null;
  /** How it trained (an infer run: how its source model trained): `minimal` or `idiomatic`. */
  style: string;
  init: string | null;
  dataSource: string | null;
  /** How the run's data differs from the study's dataset; null when it does not (or the run predates the field). */
  dataCaveat: string | null;
  started: string;
  finished: string;
  /** How the campaign scheduled the run (scheduleLabel): `serial`, or e.g. `2 parallel on 1 core each`. Times are compared only within one. */
  schedule: string;
  /** Peak resident memory of the runner's process tree; null where it was not observed (imports, older runs). */
  peakRssBytes: number | null;
  /** The framework's peak device memory (GPU runs whose runner reports it). */
  peakDeviceBytes: number | null;
  /** Where the run's process time went; null for imports and older runs. */
  phases: TimePhases | null;
  /** The framework's native core the runner ran (`libtorch`, `2.7.1`); null where the binding names none, and for older runs. */
  coreLibrary: string | null;
  coreVersion: string | null;
}

export interface TimedPass {
  correct: number;
  logitsSha256: string | null;
}

export interface EpochPoint {
  runId: string;
  epoch: number;
  trainAccuracy: number;
  /** Null on epochs whose request's test_every skipped the test set. */
  testAccuracy: number | null;
  loss: number | null;
  trainSeconds: number | null;
  evalSeconds: number | null;
}

export interface CampaignListing {
  id: string;
  created: string;
  runs: number;
  ok: number;
  failed: number;
  notSupported: number;
  notAvailable: number;
}

export interface CampaignRow {
  id: string;
  created: string;
  /** campaign.json's `spec` (a CampaignSpec for bindbench campaigns, import details otherwise); null if unreadable. */
  spec: unknown;
}

const RUN_COLUMNS = `runs.id AS id, runs.campaign AS campaign, runs.cell_key AS cellKey, runs.model AS model, runs.binding AS binding,
  runs.framework AS framework, runs.language AS language, runs.seed AS seed, runs.device AS device, runs.mode AS mode,
  runs.status AS status, runs.reason AS reason, runs.final_train_accuracy AS finalTrainAccuracy,
  runs.final_test_accuracy AS finalTestAccuracy, runs.train_seconds AS trainSeconds,
  runs.mean_inference_seconds AS meanInferenceSeconds, runs.source_run AS sourceRun, runs.source_binding AS sourceBinding,
  (SELECT s.framework FROM runs s WHERE s.id = runs.source_run) AS sourceFramework, runs.load_mode AS loadMode,
  runs.source_correct AS sourceCorrect, runs.target_correct AS targetCorrect, runs.reproduced AS reproduced,
  runs.stable AS stable, runs.recorded_verdicts AS recordedVerdicts, runs.max_abs_logit_diff AS maxAbsLogitDiff,
  runs.data_order AS dataOrder, runs.style AS style, runs.init AS init, runs.data_source AS dataSource, runs.data_caveat AS dataCaveat, runs.started AS started,
  runs.finished AS finished, runs.schedule AS schedule, runs.peak_rss_bytes AS peakRssBytes, runs.peak_device_bytes AS peakDeviceBytes,
  runs.phases AS phases, runs.core_library AS coreLibrary, runs.core_version AS coreVersion`;

type Flag = number | boolean | null;
const flag = (v: Flag): boolean | null => (v === null ? null : Boolean(v));

export function listCampaigns(db: IndexDb): CampaignListing[] {
  return db
    .prepare(
      `SELECT c.id AS id, c.created AS created, COUNT(r.id) AS runs, COALESCE(SUM(r.status = 'ok'), 0) AS ok,
              COALESCE(SUM(r.status = 'failed'), 0) AS failed, COALESCE(SUM(r.status = 'not_supported'), 0) AS notSupported,
              COALESCE(SUM(r.status = 'not_available'), 0) AS notAvailable
       FROM campaigns c LEFT JOIN runs r ON r.campaign = c.id GROUP BY c.id ORDER BY c.created DESC, c.id`,
    )
    .all() as CampaignListing[];
}

export function campaignRow(db: IndexDb, id: string): CampaignRow | null {
  const c = db.prepare('SELECT id, created, spec FROM campaigns WHERE id = ?').get(id) as { id: string; created: string; spec: string | null } | undefined;
  if (!c) return null;
  let spec: unknown = null;
  try {
    spec = c.spec ? JSON.parse(c.spec) : null;
  } catch {
    spec = null;
  }
  return { id: c.id, created: c.created, spec };
}

/** A campaign's runs in one stable order (model, binding, seed, device, id). */
export function campaignRunRecords(db: IndexDb, campaign: string): RunRecord[] {
  const rows = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE campaign = ? ORDER BY model, binding, seed, device, id`).all(campaign) as Array<
    Omit<RunRecord, 'reproduced' | 'stable' | 'recordedVerdicts' | 'timedPasses' | 'phases'> & { reproduced: Flag; stable: Flag; recordedVerdicts: Flag; phases: string | null }
  >;
  const passes = new Map<string, TimedPass[]>();
  const passRows = db
    .prepare(
      `SELECT i.run_id AS runId, i.correct AS correct, i.logits_sha256 AS logitsSha256 FROM inferences i JOIN runs r ON r.id = i.run_id
       WHERE r.campaign = ? AND i.split = 'test' AND i.repetition >= 0 ORDER BY i.run_id, i.rowid`,
    )
    .all(campaign) as Array<{ runId: string } & TimedPass>;
  for (const p of passRows) {
    let list = passes.get(p.runId);
    if (!list) passes.set(p.runId, (list = []));
    list.push({ correct: p.correct, logitsSha256: p.logitsSha256 });
  }
  return rows.map((r) => ({
    ...r,
    reproduced: flag(r.reproduced),
    stable: flag(r.stable),
    recordedVerdicts: Boolean(r.recordedVerdicts),
    timedPasses: passes.get(r.id) ?? [],
    phases: r.phases ? (JSON.parse(r.phases) as TimePhases) : null,
  }));
}

/** Epoch rows of a campaign's training runs, by run id, in epoch order. */
export function campaignEpochs(db: IndexDb, campaign: string): Map<string, EpochPoint[]> {
  const rows = db
    .prepare(
      `SELECT e.run_id AS runId, e.epoch AS epoch, e.train_accuracy AS trainAccuracy, e.test_accuracy AS testAccuracy, e.loss AS loss,
              e.train_seconds AS trainSeconds, e.eval_seconds AS evalSeconds
       FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.campaign = ? AND r.mode = 'train' ORDER BY e.run_id, e.epoch`,
    )
    .all(campaign) as EpochPoint[];
  const out = new Map<string, EpochPoint[]>();
  for (const e of rows) {
    let list = out.get(e.runId);
    if (!list) out.set(e.runId, (list = []));
    list.push(e);
  }
  return out;
}
