/**
 * The canonical data cache: each dataset is decoded once into safetensors files with a manifest of checksums,
 * and every runner reads those same bytes. A file whose checksum no longer matches is an error, never silently used.
 *
 * Layout: `<home>/cache/data/<dataset>/<source key>/` with manifest.json, train.safetensors, test.safetensors and
 * any extra files the dataset writes (IMDB: vocab.json).
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../base/errors.js';
import type { Home } from '../base/home.js';
import { writeFileAtomic, writeJsonAtomic } from '../base/atomic-file.js';
import { writeSafetensors, type DType } from '../base/safetensors.js';
import { datasets, type DatasetSource, type DatasetTools, type ResolvedSource } from './datasets.js';
import { sha256File } from '../base/file-hash.js';

/** Bump when the cache layout changes so old caches are rebuilt rather than misread. */
const CACHE_FORMAT = 2;

export interface CachedFile {
  path: string;
  sha256: string;
}

export interface PreparedDataset {
  id: string;
  source: string;
  /** How the data differs from the study's dataset (ResolvedSource.caveat); null when it does not. */
  caveat: string | null;
  train: CachedFile & { n: number };
  test: CachedFile & { n: number };
  /** Extra files by name (IMDB: vocab.json), verified like the splits. */
  files: Record<string, CachedFile>;
  details: Record<string, unknown>;
}

interface SplitEntry {
  file: string;
  sha256: string;
  n: number;
  x: { dtype: DType; shape: number[] };
  y: { dtype: DType; shape: number[] };
}

interface InputFingerprint {
  path: string;
  size: number;
  mtime_ms: number;
}

export interface Manifest {
  format: number;
  dataset: string;
  /** The source's preprocessing version the cache was built with. */
  version: number;
  source: string;
  location: string;
  created: string;
  prepare_seconds: number;
  inputs: InputFingerprint[];
  files: Record<'train' | 'test', SplitEntry>;
  extra_files: Record<string, { file: string; sha256: string }>;
  details: Record<string, unknown>;
}

function cacheDir(home: Home, id: string, key: string): string {
  return join(home.cache, 'data', id, key);
}

function fingerprint(paths: string[]): InputFingerprint[] {
  return paths.filter((p) => existsSync(p)).map((path) => {
    const s = statSync(path);
    return { path, size: s.size, mtime_ms: Math.round(s.mtimeMs) };
  });
}

/**
 * A raw file that is still there but changed means the cache no longer shows it. A raw file that has gone is not a
 * reason to rebuild: the cache is checksummed and the manifest says where it came from.
 */
function inputsChanged(recorded: InputFingerprint[], resolved: ResolvedSource): boolean {
  const now = new Map(fingerprint(resolved.inputs).map((f) => [f.path, f]));
  const before = new Map(recorded.map((f) => [f.path, f]));
  for (const [path, f] of now) {
    const b = before.get(path);
    if (!b || b.size !== f.size || b.mtime_ms !== f.mtime_ms) return true;
  }
  return false;
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

function sourceOf(id: string): DatasetSource {
  const source = datasets[id];
  if (!source) throw new BadInputError(`unknown dataset '${id}': known datasets are ${Object.keys(datasets).join(', ')}`);
  return source;
}

function readManifest(path: string): Manifest | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    throw new BadInputError(`data cache manifest ${path} is not valid JSON: run \`bindbench data prepare --force\` to rebuild it`);
  }
}

function build(source: DatasetSource, resolved: ResolvedSource, dir: string): Manifest {
  const started = process.hrtime.bigint();
  const inputs = fingerprint(resolved.inputs);
  const loaded = resolved.load();
  const files = {} as Manifest['files'];
  for (const [split, data] of [['train', loaded.train], ['test', loaded.test]] as const) {
    const file = `${split}.safetensors`;
    writeSafetensors(join(dir, file), { x: data.x, y: data.y }, { dataset: source.id, split });
    files[split] = { file, sha256: sha256File(join(dir, file)), n: data.y.shape[0]!, x: { dtype: data.x.dtype, shape: data.x.shape }, y: { dtype: data.y.dtype, shape: data.y.shape } };
  }
  const extra: Manifest['extra_files'] = {};
  for (const [name, content] of Object.entries(loaded.files ?? {})) {
    writeFileAtomic(join(dir, name), content);
    extra[name] = { file: name, sha256: sha256File(join(dir, name)) };
  }
  const description = resolved.describe(loaded);
  return {
    format: CACHE_FORMAT,
    dataset: source.id,
    version: source.version,
    source: description,
    location: resolved.location,
    created: new Date().toISOString(),
    prepare_seconds: Math.round(Number(process.hrtime.bigint() - started) / 1e6) / 1000,
    inputs,
    files,
    extra_files: extra,
    details: loaded.details ?? {},
  };
}

/** Returns the dataset's cache, building it first if needed; verifies checksums either way. */
export function prepareDataset(home: Home, id: string, opts: { dataDir?: string; force?: boolean; tools?: DatasetTools } = {}): PreparedDataset {
  const source = sourceOf(id);
  const resolved = source.resolve({ home, dataDir: opts.dataDir, tools: opts.tools ?? {} });
  const dir = cacheDir(home, id, resolved.key);
  const manifestPath = join(dir, 'manifest.json');
  if (opts.force) rmSync(dir, { recursive: true, force: true });
  let manifest = readManifest(manifestPath);
  if (manifest && (manifest.format !== CACHE_FORMAT || manifest.version !== source.version || inputsChanged(manifest.inputs, resolved))) manifest = undefined;
  if (!manifest) {
    manifest = build(source, resolved, dir);
    writeJsonAtomic(manifestPath, manifest);
  }
  const files: Record<string, CachedFile> = {};
  for (const [name, entry] of Object.entries(manifest.extra_files)) files[name] = verified(dir, entry);
  return {
    id,
    source: manifest.source,
    caveat: resolved.caveat,
    train: { ...verified(dir, manifest.files.train), n: manifest.files.train.n },
    test: { ...verified(dir, manifest.files.test), n: manifest.files.test.n },
    files,
    details: manifest.details,
  };
}

export interface DatasetStatus {
  id: string;
  title: string;
  /** Where the raw data would be read from now, or why there is none. */
  location: string | null;
  unavailable: string | null;
  /** The cache for that location, if built (not re-verified: `data prepare` does that). */
  cached: { dir: string; source: string; created: string; train: number; test: number; bytes: number } | null;
}

/** What `bindbench data list` shows: every dataset, where it would come from, and its cache if there is one. */
export function datasetStatus(home: Home, opts: { dataDir?: string; tools?: DatasetTools } = {}): DatasetStatus[] {
  return Object.values(datasets).map((source) => {
    let resolved: ResolvedSource;
    try {
      resolved = source.resolve({ home, dataDir: opts.dataDir, tools: opts.tools ?? {} });
    } catch (e) {
      if (!(e instanceof BadInputError)) throw e;
      return { id: source.id, title: source.title, location: null, unavailable: e.message, cached: null };
    }
    const dir = cacheDir(home, source.id, resolved.key);
    const m = readManifest(join(dir, 'manifest.json'));
    const fresh = m && m.format === CACHE_FORMAT && m.version === source.version;
    const bytes = fresh ? [...Object.values(m.files), ...Object.values(m.extra_files)].reduce((a, f) => a + (existsSync(join(dir, f.file)) ? statSync(join(dir, f.file)).size : 0), 0) : 0;
    return {
      id: source.id,
      title: source.title,
      location: resolved.location,
      unavailable: null,
      cached: fresh ? { dir, source: m.source, created: m.created, train: m.files.train.n, test: m.files.test.n, bytes } : null,
    };
  });
}
