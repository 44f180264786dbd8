/**
 * The result store as one object: every file under `<store>/runs/` and every query of the index go through it.
 * Campaigns, importers, the analysis, the report, the server and the CLI hold a `ResultStore`; none of them builds a
 * store path or writes SQL.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { BadInputError } from '../base/errors.js';
import { writeJsonAtomic } from '../base/atomic-file.js';
import { readSafetensors } from '../base/safetensors.js';
import type { RunnerEvent } from '../protocol/events.js';
import { campaignDir, campaignFileExists, readCampaignFile, writeCampaignFile, type CampaignFile } from './campaign-file.js';
import { indexCampaign, indexChangeStamp, indexRun, openIndex, rebuildIndex, verifyIndex, type IndexDb, type IndexDisagreement } from './index-db.js';
import { campaignEpochs, campaignRow, campaignRunRecords, listCampaigns, type CampaignListing, type CampaignRow, type EpochPoint, type RunRecord } from './queries.js';
import { exportRows, type ExportRow } from './export-rows.js';
import { lockCampaign } from './campaign-lock.js';
import { readJsonFile } from './json-file.js';
import { checkStoreName } from './store-ids.js';
import { readCalibrationFiles, writeCalibrationFile, type CalibrationKey } from './calibration-files.js';
import { importCampaign, type CampaignToImport, type ImportOutcome, type RunToImport } from './import-campaign.js';
import { beginRunDir, listRunKeys, readRunDir, readRunEnvironment, runPaths, runResult, writeResult, type RunOutcome, type RunPaths, type RunResultFile, type RunStart, type StoredRun } from './run-dir.js';

/** SQLite's answer when another connection holds the write lock past the busy timeout. */
function isIndexBusy(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

export class ResultStore {
  private openedIndex: IndexDb | null = null;

  private constructor(
    /** The store folder (`<home>/store`). */
    readonly dir: string,
  ) {}

  static open(dir: string): ResultStore {
    return new ResultStore(dir);
  }

  /** Opened on first use, so reading run directories (a dry run, a resume check) never creates an index. */
  private get db(): IndexDb {
    return (this.openedIndex ??= openIndex(this.dir));
  }

  /** Opens the store for the length of `fn` and closes it after, whatever `fn` does. */
  static with<T>(dir: string, fn: (store: ResultStore) => T): T {
    const store = ResultStore.open(dir);
    try {
      return fn(store);
    } finally {
      store.close();
    }
  }

  close(): void {
    this.openedIndex?.close();
    this.openedIndex = null;
  }

  // Campaigns

  /** Creates the campaign (or, resumed, keeps the first campaign.json) and indexes it. */
  createCampaign(id: string, spec: unknown): CampaignFile {
    const file = writeCampaignFile(this.dir, { id, created: new Date().toISOString(), spec });
    this.pending.push(() => indexCampaign(this.db, file.id, file.created, file.spec));
    this.indexPending();
    return file;
  }

  /** Whether the campaign exists on disk (the index may lag behind a crash). */
  hasCampaign(id: string): boolean {
    return campaignFileExists(this.dir, id);
  }

  /** campaign.json of a campaign, with a clear error when there is none. */
  readCampaign(id: string): CampaignFile {
    const file = readCampaignFile(this.dir, id);
    if (!file) throw new BadInputError(`no campaign '${id}' in ${this.dir}: \`bindbench runs list\` shows the campaigns`);
    return file;
  }

  campaignDir(id: string): string {
    return campaignDir(this.dir, id);
  }

  /** Takes the campaign's lock (one orchestrator per campaign; see campaign-lock.ts); returns its release. */
  lockCampaign(id: string): () => void {
    return lockCampaign(campaignDir(this.dir, id), id);
  }

  /**
   * A folder of the executor's own in the campaign (the Slurm executor's waves, job ids and task logs): hidden, so
   * it is never read as a run; created on first use.
   */
  executorDir(campaign: string): string {
    const dir = join(campaignDir(this.dir, campaign), '.executor');
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Writes `<campaign>/.executor/<name>.json` atomically; returns its path (a cluster task reads it from there). */
  writeExecutorFile(campaign: string, name: string, value: unknown): string {
    const path = join(this.executorDir(campaign), `${checkStoreName('run', name)}.json`);
    writeJsonAtomic(path, value);
    return path;
  }

  /** An executor file, or null when there is none; a damaged one is an error naming it. */
  readExecutorFile<T>(campaign: string, name: string): T | null {
    const path = join(campaignDir(this.dir, campaign), '.executor', `${checkStoreName('run', name)}.json`);
    return existsSync(path) ? readJsonFile<T>(path, 'delete it, then resume the campaign') : null;
  }

  // Calibrations of the regression gate

  /** Stores an A/A calibration, replacing the one of the same binding × model × device × style; returns its path. */
  writeCalibration<T extends CalibrationKey>(calibration: T): string {
    return writeCalibrationFile(this.dir, calibration);
  }

  calibrations(): Array<CalibrationKey & Record<string, unknown>> {
    return readCalibrationFiles(this.dir);
  }

  /** Indexed campaigns, newest first, with their run counts by status. */
  listCampaigns(): CampaignListing[] {
    return listCampaigns(this.db);
  }

  /** The indexed campaign, or null. */
  campaign(id: string): CampaignRow | null {
    return campaignRow(this.db, id);
  }

  /** The indexed campaign, or a clear error naming the known ones. */
  requireCampaign(id: string): CampaignRow {
    const row = this.campaign(id);
    if (row) return row;
    const known = this.listCampaigns().map((c) => c.id);
    throw new BadInputError(`no campaign '${id}' in the index${known.length ? `; known campaigns: ${known.join(', ')}` : ''} (\`bindbench runs reindex\` rebuilds the index from the run directories)`);
  }

  // Runs

  /** A fresh directory for a cell (an earlier attempt is moved aside, never deleted). */
  beginRun(campaign: string, key: string): RunPaths {
    return beginRunDir(this.dir, campaign, key);
  }

  /** Writes one of a run's JSON files (request, environment) atomically. */
  writeRunFile(paths: RunPaths, file: 'request' | 'environment', value: unknown): void {
    writeJsonAtomic(paths[file], value);
  }

  /**
   * Writes result.json last, then indexes the run: from here on the run is complete. The index is a cache of the
   * directories: when another process holds it locked (a `runs reindex`, a long query) the run is complete all the
   * same, and is indexed later (`indexPending`) instead of ending the campaign.
   */
  finishRun(paths: RunPaths, start: RunStart, outcome: RunOutcome, opts: { index?: boolean } = {}): RunResultFile {
    const result = runResult(start, outcome);
    writeResult(paths, result);
    if (opts.index ?? true) this.indexRunDir(paths);
    return result;
  }

  /**
   * Indexes a run another process finished (a cluster node writes its run directory; the orchestrator, which owns
   * the index, adds it when the node's task has ended).
   */
  indexRunDir(paths: RunPaths): void {
    this.pending.push(() => {
      const run = readRunDir(paths);
      if (run) indexRun(this.db, run);
    });
    this.indexPending();
  }

  /** Index writes (campaigns, complete runs) not yet done because another process held the index locked. */
  private pending: Array<() => void> = [];

  /** Does the index writes the index was too busy to take, in order; returns how many still wait (0: up to date). */
  indexPending(): number {
    while (this.pending.length) {
      try {
        this.pending[0]!();
      } catch (e) {
        if (isIndexBusy(e)) return this.pending.length;
        throw e;
      }
      this.pending.shift();
    }
    return 0;
  }

  /** A complete run read from its directory; null when it has no result (never run, or interrupted). */
  readRun(campaign: string, key: string): StoredRun | null {
    return readRunDir(runPaths(this.dir, campaign, key));
  }

  /** Every cell directory of a campaign, complete or not. */
  runKeys(campaign: string): string[] {
    return listRunKeys(this.dir, campaign);
  }

  runPaths(campaign: string, key: string): RunPaths {
    return runPaths(this.dir, campaign, key);
  }

  /** A campaign's runs as records, in model, binding, seed, device order. */
  runs(campaign: string): RunRecord[] {
    return campaignRunRecords(this.db, campaign);
  }

  /** Per-epoch rows of a campaign's training runs, by run id. */
  epochs(campaign: string): Map<string, EpochPoint[]> {
    return campaignEpochs(this.db, campaign);
  }

  /** A run's environment.json, or null when it has none or it cannot be parsed (shown as missing). */
  runEnvironment(campaign: string, key: string): unknown {
    return readRunEnvironment(runPaths(this.dir, campaign, key));
  }

  /** The logits an infer run wrote on its first timed pass over the test set, or null when it kept none. */
  testLogits(campaign: string, key: string): Float32Array | null {
    const run = this.readRun(campaign, key);
    const event = run?.events.find((e): e is Extract<RunnerEvent, { type: 'inference' }> => e.type === 'inference' && e.split === 'test' && e.logits_path !== undefined);
    if (!event?.logits_path || !existsSync(event.logits_path)) return null;
    const data = readSafetensors(event.logits_path).tensors.logits?.data;
    return data instanceof Float32Array ? data : null;
  }

  /** A run's files (a few levels deep): the name within its directory and the path within the store. */
  runFiles(campaign: string, key: string): Array<{ name: string; store: string }> {
    const dir = runPaths(this.dir, campaign, key).dir;
    const walk = (at: string, depth: number): string[] =>
      !existsSync(at) || depth > 3
        ? []
        : readdirSync(at, { withFileTypes: true })
            .sort((a, b) => a.name.localeCompare(b.name))
            .flatMap((d) => (d.isDirectory() ? walk(join(at, d.name), depth + 1) : d.isFile() ? [join(at, d.name)] : []));
    return walk(dir, 0).map((f) => ({ name: relative(dir, f).split(sep).join('/'), store: relative(this.dir, f).split(sep).join('/') }));
  }

  /** One row per run of the campaigns, for `runs export`. */
  exportRows(campaigns: readonly string[]): ExportRow[] {
    return campaigns.flatMap((c) => exportRows(this.dir, this.db, c));
  }

  // The index as a whole

  /** Rebuilds the index; `damaged` collects what could not be read (left out, each with why). */
  static reindex(dir: string, damaged: IndexDisagreement[] = []): number {
    return rebuildIndex(dir, damaged);
  }

  /** Changes whenever the index does (a run finished, a reindex): what a cache of pages over the store keys on. */
  static changeStamp(dir: string): string {
    return indexChangeStamp(dir);
  }

  static verify(dir: string): IndexDisagreement[] {
    return verifyIndex(dir);
  }

  /**
   * Writes a campaign converted from another layout, replacing an earlier import of the same id whole (staged
   * beside it and swapped in), and indexes it.
   */
  importCampaign(id: string, campaign: CampaignToImport): ImportOutcome {
    return importCampaign(this.dir, this.db, id, campaign);
  }
}

export type { InferSourceResult, RunSchedule } from './run-dir.js';
export { scheduleLabel } from './run-dir.js';
export { TIME_PHASES, type TimePhases } from './run-result.js';
export type { CampaignToImport, ImportOutcome, RunToImport, CampaignFile, CampaignListing, CampaignRow, EpochPoint, ExportRow, IndexDisagreement, RunOutcome, RunPaths, RunRecord, RunResultFile, RunStart, StoredRun };
