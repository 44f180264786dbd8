/** `bindbench data prepare`: build (or verify) the canonical cache of a dataset. */
import type { Command } from 'commander';
import { prepareDataset } from '../data/cache.js';
import { homeOf, printJson } from './common.js';

export function registerData(program: Command): void {
  const data = program.command('data').description('datasets and the canonical data cache');
  data
    .command('prepare [dataset]')
    .description('decode a dataset once into the checksummed cache every runner reads (default: mnist)')
    .option('--data-dir <dir>', "folder with the dataset's raw files instead of the bundled copy")
    .option('--force', 'rebuild the cache even if it exists')
    .option('--json', 'print JSON')
    .action((dataset: string | undefined, o, cmd: Command) => {
      const prepared = prepareDataset(homeOf(cmd), dataset ?? 'mnist', { dataDir: o.dataDir, force: Boolean(o.force) });
      if (o.json) return printJson(prepared);
      process.stdout.write(`${prepared.id}: ${prepared.source}\n  train ${prepared.train.n} examples  ${prepared.train.path}\n  test  ${prepared.test.n} examples  ${prepared.test.path}\n`);
    });
}
