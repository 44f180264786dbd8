/**
 * The canonical data cache: each dataset is decoded once into safetensors files with a manifest of checksums,
 * and every runner reads those same bytes. A file whose checksum no longer matches is an error, never silently used.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../errors.js';
import type { Home } from '../home.js';
import { writeJsonAtomic } from '../store/atomic.js';
import { writeSafetensors } from '../weights/safetensors.js';
import { datasets } from './datasets.js';
import { sha256File } from './file-hash.js';

/** Bump when the cache layout changes so old caches are rebuilt rather than misread. */
const CACHE_FORMAT = 1;

export interface CachedFile {
  path: string;
  sha256: string;
}

export interface PreparedDataset {
  id: string;
  source: string;
  train: CachedFile & { n: number };
  test: CachedFile & { n: number };
}

interface Manifest {
  format: number;
  dataset: string;
  source: string;
  created: string;
  files: Record<'train' | 'test', { file: string; sha256: string; n: number }>;
}

function cacheDir(home: Home, id: string, dataDir?: string): string {
  const key = dataDir ? 'dir-' + createHash('sha256').update(dataDir).digest('hex').slice(0, 12) : 'default';
  return join(home.cache, 'data', id, key);
}

/** Verifies one cached file against its recorded checksum. */
function verified(dir: string, entry: { file: string; sha256: string }): CachedFile {
  const path = join(dir, entry.file);
  if (!existsSync(path)) throw new BadInputError(`cached data file ${path} is missing: run \`bindbench data prepare --force\` to rebuild the cache`);
  const actual = sha256File(path);
  if (actual !== entry.sha256) {
    throw new BadInputError(`cached data file ${path} is corrupt (sha256 ${actual.slice(0, 12)}…, expected ${entry.sha256.slice(0, 12)}…): run \`bindbench data prepare --force\` to rebuild it`);
  }
  return { path, sha256: actual };
}

/** Returns the dataset's cache, building it first if needed; verifies checksums either way. */
export function prepareDataset(home: Home, id: string, opts: { dataDir?: string; force?: boolean } = {}): PreparedDataset {
  const source = datasets[id];
  if (!source) throw new BadInputError(`unknown dataset '${id}': known datasets are ${Object.keys(datasets).join(', ')}`);
  const dir = cacheDir(home, id, opts.dataDir);
  const manifestPath = join(dir, 'manifest.json');
  if (opts.force) rmSync(dir, { recursive: true, force: true });
  let manifest: Manifest | undefined;
  if (existsSync(manifestPath)) {
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    } catch {
      throw new BadInputError(`data cache manifest ${manifestPath} is not valid JSON: run \`bindbench data prepare --force\` to rebuild it`);
    }
    if (manifest.format !== CACHE_FORMAT) manifest = undefined;
  }
  if (!manifest) {
    const { train, test } = source.load(opts.dataDir);
    const files = {} as Manifest['files'];
    for (const [split, data] of [['train', train], ['test', test]] as const) {
      const file = `${split}.safetensors`;
      writeSafetensors(join(dir, file), { x: data.x, y: data.y }, { dataset: id, split });
      files[split] = { file, sha256: sha256File(join(dir, file)), n: data.y.shape[0]! };
    }
    manifest = { format: CACHE_FORMAT, dataset: id, source: source.describe(opts.dataDir), created: new Date().toISOString(), files };
    writeJsonAtomic(manifestPath, manifest);
  }
  return {
    id,
    source: manifest.source,
    train: { ...verified(dir, manifest.files.train), n: manifest.files.train.n },
    test: { ...verified(dir, manifest.files.test), n: manifest.files.test.n },
  };
}
