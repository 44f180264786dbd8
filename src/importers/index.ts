/** The only list of importers; the CLI and tests receive it as a value. */
import { BadInputError } from '../base/errors.js';
import { cmpmlbindingsImporter } from './cmpmlbindings/index.js';
import { ResultStore, type ImportOutcome } from '../store/result-store.js';
import type { ImportedCampaign, Importer, UnparsedFile } from './importer.js';

export const importers: readonly Importer[] = [cmpmlbindingsImporter];

/** The importer with this id; bad input names the known ids. */
export function importerById(id: string, list: readonly Importer[] = importers): Importer {
  const found = list.find((i) => i.id === id);
  if (!found) throw new BadInputError(`unknown importer '${id}'; known importers: ${list.map((i) => i.id).join(', ')}`);
  return found;
}

export type { Importer, ImportedCampaign, ImportedRun, ImportedRunResult, UnparsedFile } from './importer.js';

/** Writes an importer's campaign into the store (replacing an earlier import of that id) and says what it skipped. */
export function writeImportedCampaign(store: string, campaign: string, imported: ImportedCampaign): ImportOutcome & { unparsed: UnparsedFile[] } {
  return { ...ResultStore.with(store, (s) => s.importCampaign(campaign, imported)), unparsed: imported.unparsed };
}

export type { ImportOutcome };
