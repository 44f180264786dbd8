/** `bindbench import <importer> <dir>`: another project's results -> a campaign in the store. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { BadInputError, CampaignFailedError } from '../base/errors.js';
import { importerById, importers, writeImportedCampaign, type Importer, type ImportOutcome, type UnparsedFile } from '../importers/index.js';
import { homeOf } from './common.js';
import { emit } from './output.js';

function renderOutcome(o: ImportOutcome & { unparsed: UnparsedFile[] }): string {
  const lines = [
    `imported ${o.trainRuns} training runs and ${o.inferRuns} inference runs into campaign '${o.campaign}'${o.replaced ? ' (replacing the earlier import)' : ''}`,
    `runs: ${o.dir}`,
    `next: bindbench analyze --campaign ${o.campaign}`,
  ];
  if (o.unparsed.length) {
    lines.push('', `${o.unparsed.length} file(s) could not be imported:`, ...o.unparsed.map((u) => `  ${u.file}: ${u.reason}`));
  }
  return lines.join('\n') + '\n';
}

/** `name=value` pairs checked against what the importer offers. */
function importerOptions(importer: Importer, pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const offered = importer.options ?? [];
  for (const pair of pairs) {
    const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
    const option = offered.find((x) => x.name === name);
    if (!pair.includes('=') || !option) {
      throw new BadInputError(`--option ${pair}: ${importer.id} offers ${offered.length ? offered.map((x) => `${x.name}=${x.values.join('|')}`).join(', ') : 'no options'}`);
    }
    if (!option.values.includes(value)) throw new BadInputError(`--option ${pair}: '${value}' is not allowed for ${name}; allowed values: ${option.values.join(', ')}`);
    out[name] = value;
  }
  return out;
}

export function registerImport(program: Command): void {
  program
    .command('import <importer> <dir>')
    .description(`import results in another layout as a campaign (importers: ${importers.map((i) => i.id).join(', ')})`)
    .option('--campaign <id>', "campaign id (default: the importer's, e.g. cmpmlbindings); an existing campaign with this id is replaced")
    .option('--option <name=value>', `an importer's choice, repeatable (${importers.flatMap((i) => (i.options ?? []).map((x) => `${i.id}: ${x.name}=${x.values.join('|')}`)).join('; ') || 'none'})`, (v: string, all: string[] = []) => [...all, v])
    .option('--allow-partial', 'exit 0 even when some files could not be read (the readable runs are imported either way)')
    .option('--json', 'print the outcome as JSON')
    .action((importerId: string, dir: string, o: { campaign?: string; json?: boolean; option?: string[]; allowPartial?: boolean }, cmd: Command) => {
      const importer = importerById(importerId);
      const folder = resolve(dir);
      if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new BadInputError(`${dir} is not a folder`);
      if (!importer.detect(folder)) throw new BadInputError(`${dir} does not look like ${importer.id} data: expected ${importer.description}`);
      const campaign = o.campaign ?? importer.id;
      const imported = importer.read(folder, campaign, importerOptions(importer, o.option ?? []));
      const outcome = writeImportedCampaign(homeOf(cmd).store, campaign, imported);
      emit({ data: outcome, text: renderOutcome(outcome) }, o.json);
      // Files the source itself left out are expected; any other file that could not be used makes a partial import.
      const damaged = outcome.unparsed.filter((u) => !u.excluded);
      if (damaged.length && !o.allowPartial) {
        throw new CampaignFailedError(`the import of ${dir} is partial: ${damaged.length} file(s) could not be used (listed above; the runs they belong to are left out). Repair them and import again, or pass --allow-partial to accept the partial campaign`);
      }
    });
}
