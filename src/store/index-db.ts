/**
 * The SQLite index over the run directories. The directories are the truth; the index is a cache for queries
 * and can always be rebuilt from them (`bindbench runs reindex`).
 */
import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DamagedFileError } from './json-file.js';
import { readCampaignFile } from './campaign-file.js';
import { listCampaignIds, listRunKeys, readRunDir, runPaths, scheduleLabel, type StoredRun } from './run-dir.js';

/** Bump when the tables change: an index of another version is rebuilt from the directories. */
const SCHEMA_VERSION = 6;

const SCHEMA = `
CREATE TABLE campaigns (id TEXT PRIMARY KEY, created TEXT, spec TEXT);
CREATE TABLE runs (
  id TEXT PRIMARY KEY, campaign TEXT NOT NULL, cell_key TEXT NOT NULL, model TEXT, binding TEXT, framework TEXT,
  language TEXT, seed INTEGER, device TEXT, mode TEXT, status TEXT, reason TEXT,
  final_train_accuracy REAL, final_test_accuracy REAL, train_seconds REAL, wall_seconds REAL, process_seconds REAL,
  mean_inference_seconds REAL, data_order TEXT, style TEXT, init TEXT, data_source TEXT, data_caveat TEXT, epochs_planned INTEGER,
  source_run TEXT, source_binding TEXT, load_mode TEXT, source_correct INTEGER, target_correct INTEGER,
  reproduced INTEGER, stable INTEGER, recorded_verdicts INTEGER, max_abs_logit_diff REAL,
  started TEXT, finished TEXT, path TEXT,
  schedule TEXT, peak_rss_bytes REAL, peak_device_bytes REAL, phases TEXT, core_library TEXT, core_version TEXT
);
CREATE INDEX runs_by_campaign ON runs (campaign, model, binding);
CREATE TABLE epochs (
  run_id TEXT, epoch INTEGER, train_accuracy REAL, test_accuracy REAL, loss REAL, train_seconds REAL, eval_seconds REAL,
  PRIMARY KEY (run_id, epoch)
);
CREATE TABLE inferences (
  run_id TEXT, split TEXT, repetition INTEGER, seconds REAL, correct INTEGER, n INTEGER, logits_sha256 TEXT
);
CREATE INDEX inferences_by_run ON inferences (run_id);
`;

export type IndexDb = Database.Database;

/** Size and modification time of the index and its write-ahead log: they change whenever the index does. */
export function indexChangeStamp(store: string): string {
  return ['index.sqlite', 'index.sqlite-wal']
    .map((f) => {
      try {
        const st = statSync(join(store, f));
        return `${st.size}:${st.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join('/');
}

export function openIndex(store: string): IndexDb {
  mkdirSync(store, { recursive: true });
  const db = new Database(join(store, 'index.sqlite'));
  db.pragma('journal_mode = WAL');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== SCHEMA_VERSION) {
    db.exec('DROP TABLE IF EXISTS campaigns; DROP TABLE IF EXISTS runs; DROP TABLE IF EXISTS epochs; DROP TABLE IF EXISTS inferences;');
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    if (version !== 0) rebuildIndexInto(db, store);
  }
  return db;
}

export function indexCampaign(db: IndexDb, id: string, created: string, spec: unknown): void {
  db.prepare('INSERT OR REPLACE INTO campaigns (id, created, spec) VALUES (?, ?, ?)').run(id, created, JSON.stringify(spec));
}

/** Replaces a run's rows in one transaction. */
export function indexRun(db: IndexDb, run: StoredRun): void {
  const r = run.result;
  const tx = db.transaction(() => {
    db.prepare('DELETE FROM runs WHERE id = ?').run(r.run_id);
    db.prepare('DELETE FROM epochs WHERE run_id = ?').run(r.run_id);
    db.prepare('DELETE FROM inferences WHERE run_id = ?').run(r.run_id);
    db.prepare(
      `INSERT INTO runs VALUES (@id, @campaign, @cell_key, @model, @binding, @framework, @language, @seed, @device, @mode,
        @status, @reason, @final_train_accuracy, @final_test_accuracy, @train_seconds, @wall_seconds, @process_seconds,
        @mean_inference_seconds, @data_order, @style, @init, @data_source, @data_caveat, @epochs_planned, @source_run, @source_binding,
        @load_mode, @source_correct, @target_correct, @reproduced, @stable, @recorded_verdicts, @max_abs_logit_diff, @started, @finished, @path,
        @schedule, @peak_rss_bytes, @peak_device_bytes, @phases, @core_library, @core_version)`,
    ).run({
      id: r.run_id,
      campaign: r.campaign,
      cell_key: r.cell.key,
      model: r.cell.model,
      binding: r.cell.binding,
      framework: r.framework,
      language: r.language,
      seed: r.cell.seed,
      device: r.cell.device,
      mode: r.cell.mode,
      status: r.status,
      reason: r.reason,
      final_train_accuracy: r.final_train_accuracy,
      final_test_accuracy: r.final_test_accuracy,
      train_seconds: r.train_seconds,
      wall_seconds: r.wall_seconds,
      process_seconds: r.process_seconds,
      mean_inference_seconds: r.mean_inference_seconds,
      data_order: r.cell.dataOrder,
      // Cells planned before the style axis trained with bindbench's loop; the study's imported runs say idiomatic.
      style: r.cell.style ?? 'minimal',
      init: r.cell.init,
      data_source: r.data_source,
      data_caveat: r.data_caveat ?? null,
      epochs_planned: r.cell.hyper.epochs,
      // A skipped or failed infer cell has no source result, but its plan still says where it would have loaded from.
      source_run: r.source?.run_id ?? (r.cell.source ? `${r.campaign}/${r.cell.source.cellKey}` : null),
      source_binding: r.source?.binding ?? r.cell.source?.binding ?? null,
      load_mode: r.source?.load_mode ?? r.cell.source?.loadMode ?? null,
      source_correct: r.source?.correct ?? null,
      target_correct: r.source?.target_correct ?? null,
      reproduced: r.source?.reproduced == null ? null : Number(r.source.reproduced),
      stable: r.source?.stable == null ? null : Number(r.source.stable),
      // A result that carries the verdict fields at all had them recorded by its writer (an import, or a bindbench
      // before the analysis computed them); a null there means "not recorded", not "compute it".
      recorded_verdicts: r.source && 'reproduced' in r.source ? 1 : 0,
      max_abs_logit_diff: r.source?.max_abs_logit_diff ?? null,
      started: r.started,
      finished: r.finished,
      path: run.paths.dir,
      schedule: scheduleLabel(r.schedule),
      peak_rss_bytes: r.peak_rss_bytes ?? null,
      core_library: r.core?.library ?? null,
      core_version: r.core?.version ?? null,
      peak_device_bytes: r.peak_device_bytes ?? null,
      phases: r.phases ? JSON.stringify(r.phases) : null,
    });
    const ep = db.prepare('INSERT INTO epochs VALUES (?, ?, ?, ?, ?, ?, ?)');
    const inf = db.prepare('INSERT INTO inferences VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const e of run.events) {
      if (e.type === 'epoch') ep.run(r.run_id, e.epoch, e.train_accuracy, e.test_accuracy, e.loss, e.train_seconds, e.eval_seconds);
      if (e.type === 'inference') inf.run(r.run_id, e.split, e.repetition, e.seconds, e.correct, e.n, e.logits_sha256 ?? null);
    }
  });
  tx();
}

/** Drops every index row of a campaign (its runs, their epochs and inferences). */
export function forgetCampaign(db: IndexDb, campaign: string): void {
  db.prepare('DELETE FROM epochs WHERE run_id IN (SELECT id FROM runs WHERE campaign = ?)').run(campaign);
  db.prepare('DELETE FROM inferences WHERE run_id IN (SELECT id FROM runs WHERE campaign = ?)').run(campaign);
  db.prepare('DELETE FROM runs WHERE campaign = ?').run(campaign);
  db.prepare('DELETE FROM campaigns WHERE id = ?').run(campaign);
}

/** A damaged file is reported and skipped, so one bad file never stops the rest of the store from being indexed. */
function readOrReport<T>(what: string, read: () => T, problems: IndexDisagreement[]): T | null {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof DamagedFileError)) throw e;
    problems.push({ run: what, problem: e.message });
    return null;
  }
}

function rebuildIndexInto(db: IndexDb, store: string, problems: IndexDisagreement[] = []): number {
  db.exec('DELETE FROM campaigns; DELETE FROM runs; DELETE FROM epochs; DELETE FROM inferences;');
  let n = 0;
  for (const campaign of listCampaignIds(store)) {
    const c = readOrReport(campaign, () => readCampaignFile(store, campaign), problems);
    if (c) indexCampaign(db, c.id, c.created, c.spec);
    for (const key of listRunKeys(store, campaign)) {
      const run = readOrReport(`${campaign}/${key}`, () => readRunDir(runPaths(store, campaign, key)), problems);
      if (run) {
        indexRun(db, run);
        n++;
      }
    }
  }
  return n;
}

/** Drops and refills the index from the directories; returns the number of complete runs indexed. */
export function rebuildIndex(store: string, damaged: IndexDisagreement[] = []): number {
  const db = openIndex(store);
  try {
    return db.transaction(() => rebuildIndexInto(db, store, damaged))();
  } finally {
    db.close();
  }
}

export interface IndexDisagreement {
  run: string;
  problem: string;
}

/** Compares the index with the directories; an empty list means they agree. */
export function verifyIndex(store: string): IndexDisagreement[] {
  const db = openIndex(store);
  try {
    const problems: IndexDisagreement[] = [];
    const indexed = new Map<string, { status: string; final_test_accuracy: number | null }>();
    for (const row of db.prepare('SELECT id, status, final_test_accuracy FROM runs').all() as Array<{ id: string; status: string; final_test_accuracy: number | null }>) {
      indexed.set(row.id, row);
    }
    const seen = new Set<string>();
    for (const campaign of listCampaignIds(store)) {
      readOrReport(campaign, () => readCampaignFile(store, campaign), problems);
      for (const key of listRunKeys(store, campaign)) {
        const run = readOrReport(`${campaign}/${key}`, () => readRunDir(runPaths(store, campaign, key)), problems);
        if (!run) continue;
        seen.add(run.result.run_id);
        if (run.damaged) problems.push({ run: run.result.run_id, problem: `an ok run whose ${run.damaged}` });
        const row = indexed.get(run.result.run_id);
        if (!row) problems.push({ run: run.result.run_id, problem: 'complete on disk but missing from the index' });
        else if (row.status !== run.result.status) problems.push({ run: run.result.run_id, problem: `status ${row.status} in the index, ${run.result.status} on disk` });
        else if (row.final_test_accuracy !== run.result.final_test_accuracy) problems.push({ run: run.result.run_id, problem: 'final test accuracy differs' });
      }
    }
    for (const id of indexed.keys()) if (!seen.has(id)) problems.push({ run: id, problem: 'in the index but not complete on disk' });
    return problems;
  } finally {
    db.close();
  }
}
