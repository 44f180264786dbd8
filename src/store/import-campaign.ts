/**
 * Writes an imported campaign into the store with the same helpers a campaign run uses, then indexes it.
 * The runs are written into a hidden staging folder first and swapped in whole, so a re-import replaces the old
 * campaign cleanly (no run of the old import survives) and a failed import leaves the old one untouched.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../base/errors.js';
import { runnerEventSchema, type RunnerEvent } from '../protocol/events.js';
import { writeFileAtomic, writeJsonAtomic } from '../base/atomic-file.js';
import { campaignDir, readCampaignFile, writeCampaignFileAt } from './campaign-file.js';
import { forgetCampaign, indexCampaign, indexRun, type IndexDb } from './index-db.js';
import { beginRunDir, readRunDir, runPaths, writeResult, type RunResultFile } from './run-dir.js';

/** A run in another layout, converted: what `importCampaign` writes as one run directory. */
export interface RunToImport {
  /** The cell key, i.e. the run directory's name. */
  key: string;
  result: RunResultFile;
  /** Written as events.jsonl; every event must satisfy the protocol schema. */
  events: RunnerEvent[];
  /** Written as environment.json. */
  environment: Record<string, unknown>;
}

export interface CampaignToImport {
  /** Stored as campaign.json's `spec`: what was imported, from where. */
  spec: Record<string, unknown>;
  runs: RunToImport[];
}

export interface ImportOutcome {
  campaign: string;
  dir: string;
  trainRuns: number;
  inferRuns: number;
  /** An earlier campaign with this id was replaced. */
  replaced: boolean;
}

const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function importCampaign(store: string, db: IndexDb, campaign: string, imported: CampaignToImport): ImportOutcome {
  if (!CAMPAIGN_ID.test(campaign)) throw new BadInputError(`campaign id '${campaign}': letters, digits, ".", "_" and "-" only, starting with a letter or digit`);
  const staging = `.import-${campaign}-${process.pid}`;
  rmSync(campaignDir(store, staging), { recursive: true, force: true });
  const keys = new Set<string>();
  const created = new Date().toISOString();
  try {
    for (const run of imported.runs) {
      if (keys.has(run.key)) throw new Error(`importer produced two runs with the key ${run.key}`);
      keys.add(run.key);
      for (const event of run.events) runnerEventSchema.parse(event);
      const paths = beginRunDir(store, staging, run.key);
      writeFileAtomic(paths.events, run.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
      writeJsonAtomic(paths.environment, run.environment);
      writeResult(paths, run.result);
    }
    writeCampaignFileAt(campaignDir(store, staging), { id: campaign, created, spec: imported.spec });
  } catch (e) {
    rmSync(campaignDir(store, staging), { recursive: true, force: true });
    throw e;
  }

  const finalDir = campaignDir(store, campaign);
  const replaced = existsSync(finalDir);
  let existing: ReturnType<typeof readCampaignFile> = null;
  try {
    existing = replaced ? readCampaignFile(store, campaign) : null;
  } catch {
    existing = null; // damaged: not known to be an import, so not replaced
  }
  if (replaced && !(existing?.spec && typeof existing.spec === 'object' && 'importer' in existing.spec)) {
    // Only an earlier import is replaced whole: a campaign bindbench ran holds measurements nothing can recreate.
    rmSync(campaignDir(store, staging), { recursive: true, force: true });
    throw new BadInputError(`campaign ${campaign} already exists and was not imported (${existing ? 'it holds runs bindbench measured' : 'its campaign.json is missing or damaged'}): import under another id with --campaign`);
  }
  const old = campaignDir(store, `.replaced-${campaign}-${process.pid}-${Date.now()}`);
  if (replaced) renameSync(finalDir, old);
  renameSync(campaignDir(store, staging), finalDir);
  if (replaced) rmSync(old, { recursive: true, force: true });

  db.transaction(() => {
    forgetCampaign(db, campaign);
    indexCampaign(db, campaign, created, imported.spec);
    for (const key of keys) {
      const run = readRunDir(runPaths(store, campaign, key));
      if (!run) throw new Error(`imported run ${campaign}/${key} has no result.json after writing`);
      indexRun(db, run);
    }
  })();
  const infer = imported.runs.filter((r) => r.result.cell.mode === 'infer').length;
  return { campaign, dir: finalDir, trainRuns: imported.runs.length - infer, inferRuns: infer, replaced };
}
