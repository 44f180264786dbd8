/** The only list of importers; the CLI and tests receive it as a value. */
import { BadInputError } from '../errors.js';
import { cmpmlbindingsImporter } from './cmpmlbindings/index.js';
import type { Importer } from './importer.js';

export const importers: readonly Importer[] = [cmpmlbindingsImporter];

/** The importer with this id; bad input names the known ids. */
export function importerById(id: string, list: readonly Importer[] = importers): Importer {
  const found = list.find((i) => i.id === id);
  if (!found) throw new BadInputError(`unknown importer '${id}'; known importers: ${list.map((i) => i.id).join(', ')}`);
  return found;
}

export type { Importer, ImportedCampaign, ImportedRun, ImportedRunResult, UnparsedFile } from './importer.js';
export { writeImportedCampaign, type ImportOutcome } from './write-imported-campaign.js';
