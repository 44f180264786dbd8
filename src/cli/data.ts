/** `bindbench data prepare | fetch | list`: the canonical data cache and where its raw data comes from. */
import type { Command } from 'commander';
import { datasetStatus, prepareDataset } from '../data/cache.js';
import { datasets } from '../data/datasets.js';
import { datasetTools } from '../bindings/index.js';
import { fetchDataset } from '../data/fetch.js';
import { homeOf } from './common.js';
import { emit } from './output.js';

const ids = () => Object.keys(datasets).join('|');

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export function registerData(program: Command): void {
  const data = program.command('data').description('datasets and the canonical data cache');
  data
    .command('prepare [dataset]')
    .description(`decode a dataset (${ids()}) once into the checksummed cache every runner reads (default: mnist)`)
    .option('--data-dir <dir>', "folder with the dataset's raw files instead of the bundled copy")
    .option('--force', 'rebuild the cache even if it exists')
    .option('--json', 'print JSON')
    .action((dataset: string | undefined, o, cmd: Command) => {
      const prepared = prepareDataset(homeOf(cmd), dataset ?? 'mnist', { dataDir: o.dataDir, force: Boolean(o.force), tools: datasetTools() });
      const extra = Object.entries(prepared.files).map(([name, f]) => `\n  ${name.padEnd(5)} ${f.path}`).join('');
      emit({ data: prepared, text: `${prepared.id}: ${prepared.source}\n  train ${prepared.train.n} examples  ${prepared.train.path}\n  test  ${prepared.test.n} examples  ${prepared.test.path}${extra}\n` }, o.json);
    });
  data
    .command('fetch <dataset>')
    .description('download a dataset that no package ships (cifar10: the official binary tarball, MD5-checked) into <home>/datasets/')
    .option('--url <url>', 'download from this address instead (a mirror); also BINDBENCH_CIFAR10_URL')
    .option('--force', 'download again even if a verified copy is there')
    .option('--json', 'print JSON')
    .action(async (dataset: string, o, cmd: Command) => {
      const r = await fetchDataset(homeOf(cmd), dataset, { url: o.url, force: Boolean(o.force) });
      const what = r.alreadyThere ? 'already fetched' : `downloaded ${mib(r.bytes)}, MD5 ${r.md5} verified`;
      emit({ data: r, text: `${dataset}: ${what} from ${r.url}\n  ${r.dir}: ${r.files.length} batches\n  next: bindbench data prepare ${dataset}\n` }, o.json);
    });
  data
    .command('list')
    .description('every dataset, where its raw data would come from, and its cache')
    .option('--data-dir <dir>', 'resolve sources as a run with this --data-dir would')
    .option('--json', 'print JSON')
    .action((o, cmd: Command) => {
      const status = datasetStatus(homeOf(cmd), { dataDir: o.dataDir, tools: datasetTools() });
      const text = status
        .map(
          (s) =>
            `${s.id}  ${s.title}\n` +
            (s.location ? `  raw data: ${s.location}\n` : `  raw data: none (${s.unavailable})\n`) +
            (s.cached ? `  cache: ${s.cached.train} train + ${s.cached.test} test, ${mib(s.cached.bytes)}, ${s.cached.dir}\n  source: ${s.cached.source}\n` : `  cache: not prepared (bindbench data prepare ${s.id})\n`),
        )
        .join('');
      emit({ data: status, text }, o.json);
    });
}
