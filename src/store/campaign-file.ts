/**
 * `<store>/runs/<campaign>/campaign.json`: a campaign's id, creation time and spec, written once when the campaign
 * is created and read back to resume it or rebuild the index.
 */
import { existsSync } from 'node:fs';
import { readJsonFile } from './json-file.js';
import { checkStoreName } from './store-ids.js';
import { join } from 'node:path';
import { writeJsonAtomic } from '../base/atomic-file.js';

export interface CampaignFile {
  id: string;
  created: string;
  /** A CampaignSpec for bindbench campaigns; what was imported, from where, for imports. */
  spec: unknown;
}

export function campaignDir(store: string, campaign: string): string {
  return join(store, 'runs', checkStoreName('campaign', campaign));
}

function campaignFilePath(store: string, campaign: string): string {
  return join(campaignDir(store, campaign), 'campaign.json');
}

export function campaignFileExists(store: string, campaign: string): boolean {
  return existsSync(campaignFilePath(store, campaign));
}

/** Writes campaign.json unless it exists (a resumed campaign keeps its first spec and creation time). */
export function writeCampaignFile(store: string, file: CampaignFile): CampaignFile {
  const existing = readCampaignFile(store, file.id);
  if (existing) return existing;
  writeJsonAtomic(campaignFilePath(store, file.id), file);
  return file;
}

/** Writes campaign.json into a folder that is not (yet) the campaign's own: an import's staging folder. */
export function writeCampaignFileAt(dir: string, file: CampaignFile): void {
  writeJsonAtomic(join(dir, 'campaign.json'), file);
}

export function readCampaignFile(store: string, campaign: string): CampaignFile | null {
  const path = campaignFilePath(store, campaign);
  if (!existsSync(path)) return null;
  return readJsonFile<CampaignFile>(path, `restore it from a copy, or move the campaign folder ${campaignDir(store, campaign)} out of the store and rerun \`bindbench runs reindex\``);
}
