/**
 * `bindbench runs export`: one flat row per run, for loading a campaign into pandas or R in one line. The columns
 * are documented in docs/store.md; adding one is backwards compatible, renaming one is not.
 */
import type { IndexDb } from './index-db.js';
import { campaignEpochs, campaignRunRecords } from './queries.js';
import { readRunEnvironment, runPaths } from './run-dir.js';

export interface ExportRow {
  campaign: string;
  run: string;
  cell: string;
  model: string;
  binding: string;
  framework: string;
  language: string;
  seed: number;
  device: string;
  mode: string;
  status: string;
  reason: string | null;
  load_mode: string | null;
  source_binding: string | null;
  source_run: string | null;
  data_order: string | null;
  style: string;
  init: string | null;
  epochs: number;
  final_train_accuracy: number | null;
  final_test_accuracy: number | null;
  train_seconds: number | null;
  mean_inference_seconds: number | null;
  source_correct: number | null;
  target_correct: number | null;
  /** Library versions the runner reported at start, as `name=version;...` sorted by name. */
  versions: string | null;
  os: string | null;
  cpu: string | null;
  cores: number | null;
  gpu: string | null;
  data_source: string | null;
  started: string;
  finished: string;
  /** Added 2026-12-04, at the end as the column contract requires. */
  data_caveat: string | null;
}

/** The columns in their order, for CSV headers and the docs. */
export const EXPORT_COLUMNS: ReadonlyArray<keyof ExportRow> = [
  'campaign', 'run', 'cell', 'model', 'binding', 'framework', 'language', 'seed', 'device', 'mode', 'status', 'reason',
  'load_mode', 'source_binding', 'source_run', 'data_order', 'init', 'epochs', 'final_train_accuracy',
  'final_test_accuracy', 'train_seconds', 'mean_inference_seconds', 'source_correct', 'target_correct', 'versions',
  'os', 'cpu', 'cores', 'gpu', 'data_source', 'started', 'finished', 'style', 'data_caveat',
];

interface EnvironmentFile {
  host?: { os?: string; cpu?: string; cores?: number; gpu?: string | null } | null;
  runner?: { versions?: Record<string, string> };
  binding?: { probe?: { versions?: Record<string, string> } };
}

export function exportRows(store: string, db: IndexDb, campaign: string): ExportRow[] {
  const epochs = campaignEpochs(db, campaign);
  return campaignRunRecords(db, campaign).map((r): ExportRow => {
    const env = (readRunEnvironment(runPaths(store, campaign, r.cellKey)) ?? {}) as EnvironmentFile;
    // What the runner loaded beats what the probe found before it ran.
    const versions = env.runner?.versions ?? env.binding?.probe?.versions ?? null;
    return {
      campaign: r.campaign,
      run: r.id,
      cell: r.cellKey,
      model: r.model,
      binding: r.binding,
      framework: r.framework,
      language: r.language,
      seed: r.seed,
      device: r.device,
      mode: r.mode,
      status: r.status,
      reason: r.reason,
      load_mode: r.loadMode,
      source_binding: r.sourceBinding,
      source_run: r.sourceRun,
      data_order: r.dataOrder,
      style: r.style,
      init: r.init,
      epochs: epochs.get(r.id)?.length ?? 0,
      final_train_accuracy: r.finalTrainAccuracy,
      final_test_accuracy: r.finalTestAccuracy,
      train_seconds: r.trainSeconds,
      mean_inference_seconds: r.meanInferenceSeconds,
      source_correct: r.sourceCorrect,
      target_correct: r.targetCorrect,
      versions: versions && Object.keys(versions).length ? Object.entries(versions).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(';') : null,
      os: env.host?.os ?? null,
      cpu: env.host?.cpu ?? null,
      cores: env.host?.cores ?? null,
      gpu: env.host?.gpu ?? null,
      data_source: r.dataSource,
      started: r.started,
      finished: r.finished,
      data_caveat: r.dataCaveat,
    };
  });
}
