/**
 * Writes an imported campaign into the store with the same atomic helpers a campaign run uses, then indexes it.
 * The runs are written into a hidden staging folder first and swapped in whole, so a re-import replaces the old
 * campaign cleanly (no run of the old import survives) and a failed import leaves the old one untouched.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../errors.js';
import { runnerEventSchema } from '../protocol/events.js';
import { writeFileAtomic, writeJsonAtomic } from '../store/atomic.js';
import { indexCampaign, indexRun, openIndex, type IndexDb } from '../store/index-db.js';
import { beginRunDir, readRunDir, runPaths, writeResult } from '../store/run-dir.js';
import type { ImportedCampaign, UnparsedFile } from './importer.js';

export interface ImportOutcome {
  campaign: string;
  dir: string;
  trainRuns: number;
  inferRuns: number;
  /** An earlier campaign with this id was replaced. */
  replaced: boolean;
  unparsed: UnparsedFile[];
}

const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function writeImportedCampaign(store: string, campaign: string, imported: ImportedCampaign): ImportOutcome {
  if (!CAMPAIGN_ID.test(campaign)) throw new BadInputError(`campaign id '${campaign}': letters, digits, ".", "_" and "-" only, starting with a letter or digit`);
  const runsRoot = join(store, 'runs');
  const staging = `.import-${campaign}-${process.pid}`;
  rmSync(join(runsRoot, staging), { recursive: true, force: true });
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
    writeJsonAtomic(join(runsRoot, staging, 'campaign.json'), { id: campaign, created, spec: imported.spec });
  } catch (e) {
    rmSync(join(runsRoot, staging), { recursive: true, force: true });
    throw e;
  }

  const finalDir = join(runsRoot, campaign);
  const replaced = existsSync(finalDir);
  const old = join(runsRoot, `.replaced-${campaign}-${process.pid}-${Date.now()}`);
  if (replaced) renameSync(finalDir, old);
  renameSync(join(runsRoot, staging), finalDir);
  if (replaced) rmSync(old, { recursive: true, force: true });

  const db = openIndex(store);
  try {
    db.transaction(() => {
      forgetCampaign(db, campaign);
      indexCampaign(db, campaign, created, imported.spec);
      for (const key of keys) {
        const run = readRunDir(runPaths(store, campaign, key));
        if (!run) throw new Error(`imported run ${campaign}/${key} has no result.json after writing`);
        indexRun(db, run);
      }
    })();
  } finally {
    db.close();
  }
  const infer = imported.runs.filter((r) => r.result.cell.mode === 'infer').length;
  return { campaign, dir: finalDir, trainRuns: imported.runs.length - infer, inferRuns: infer, replaced, unparsed: imported.unparsed };
}

/** Drops every index row of a campaign (its runs, their epochs and inferences). */
function forgetCampaign(db: IndexDb, campaign: string): void {
  db.prepare('DELETE FROM epochs WHERE run_id IN (SELECT id FROM runs WHERE campaign = ?)').run(campaign);
  db.prepare('DELETE FROM inferences WHERE run_id IN (SELECT id FROM runs WHERE campaign = ?)').run(campaign);
  db.prepare('DELETE FROM runs WHERE campaign = ?').run(campaign);
  db.prepare('DELETE FROM campaigns WHERE id = ?').run(campaign);
}
