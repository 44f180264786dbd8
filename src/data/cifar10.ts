/**
 * CIFAR-10 (Krizhevsky, Nair & Hinton 2009) from the official binary batches. A record is 1 label byte then the
 * 32×32 red, green and blue planes (1,024 bytes each, row-major); the cache stores channels last like MNIST.
 *
 * Where the batches come from, first found wins: --data-dir; `<home>/datasets/cifar10/` (what
 * `bindbench data fetch cifar10` writes); the repository's shared subset `../shared/datasets/cifar10-subset/`, which
 * is decoded from a JPEG copy (lossy) and holds only 10,000 training images. The description says which one it was,
 * because accuracies on the subset are not comparable with published CIFAR-10 numbers.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BadInputError } from '../base/errors.js';
import { packageRoot, type Home } from '../base/home.js';
import type { CanonicalSplit, DatasetSource, SourceContext } from './datasets.js';
import { classHistogram, dirKey } from './dataset-util.js';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;
export const CIFAR10_TRAIN_BATCHES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'] as const;
export const CIFAR10_TEST_BATCH = 'test_batch.bin';
/** The folder the official tarball unpacks to; a data folder may hold the batches directly or inside it. */
export const CIFAR10_TAR_FOLDER = 'cifar-10-batches-bin';
const SIDE = 32;
const PLANE = SIDE * SIDE;
export const CIFAR10_RECORD_BYTES = 1 + 3 * PLANE;
export const CIFAR10_BATCH_RECORDS = 10000;
export const CIFAR10_BATCH_BYTES = CIFAR10_RECORD_BYTES * CIFAR10_BATCH_RECORDS;

/** sha256 of the shared subset's files (its SHA256SUMS), to recognise the lossy subset wherever it is copied. */
const SUBSET_SHA256: Record<string, string> = {
  'data_batch_1.bin': 'ebac0ab90f1bf697423a356052d2e881c3341ffde50f7f3cabaf61db4d00098f',
  'test_batch.bin': '04f678140f6c19922ac2cd6173508c3ff0dcb7f932804c755f677b00c33bd949',
};

/** Written by `bindbench data fetch cifar10` next to the batches it verified. */
export const FETCH_MARKER = 'fetched.json';
export interface FetchMarker {
  url: string;
  md5: string;
  official_md5: boolean;
  fetched: string;
}

export function cifar10HomeDir(home: Home): string {
  return join(home.root, 'datasets', 'cifar10');
}

export function cifar10SharedSubsetDir(): string {
  return resolve(packageRoot, '..', 'shared', 'datasets', 'cifar10-subset');
}

/**
 * Decodes whole records into x U8 [n, 32, 32, 3] (HWC: plane c, row h, column w → x[n, h, w, c]) and y I64 [n].
 * Any number of records is accepted here; the batch-size rule belongs to the loader.
 */
export function decodeCifarRecords(bytes: Uint8Array, file: string, fix: string): CanonicalSplit {
  if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    throw new BadInputError(`${file} is ${bytes.length} bytes, not a whole number of ${CIFAR10_RECORD_BYTES}-byte CIFAR-10 records. ${fix}`);
  }
  const n = bytes.length / CIFAR10_RECORD_BYTES;
  const x = new Uint8Array(n * PLANE * 3);
  const y = new BigInt64Array(n);
  for (let r = 0; r < n; r++) {
    const rec = r * CIFAR10_RECORD_BYTES;
    const label = bytes[rec]!;
    if (label > 9) throw new BadInputError(`${file}: record ${r} has label ${label}, not a class 0-9. ${fix}`);
    y[r] = BigInt(label);
    const out = r * PLANE * 3;
    for (let c = 0; c < 3; c++) {
      const plane = rec + 1 + c * PLANE;
      for (let p = 0; p < PLANE; p++) x[out + p * 3 + c] = bytes[plane + p]!;
    }
  }
  return { x: { dtype: 'U8', shape: [n, SIDE, SIDE, 3], data: x }, y: { dtype: 'I64', shape: [n], data: y } };
}

export interface CifarFiles {
  dir: string;
  train: string[];
  test: string;
}

/** The folder that holds the batches: `dir` itself or its cifar-10-batches-bin/. */
function batchFolder(dir: string): string {
  const nested = join(dir, CIFAR10_TAR_FOLDER);
  const has = (d: string) => existsSync(join(d, CIFAR10_TEST_BATCH)) || existsSync(join(d, CIFAR10_TRAIN_BATCHES[0]));
  return !has(dir) && has(nested) ? nested : dir;
}

/** True when `dir` (or its cifar-10-batches-bin/) holds any CIFAR-10 batch file. */
export function hasCifarBatches(dir: string): boolean {
  const d = batchFolder(dir);
  return [...CIFAR10_TRAIN_BATCHES, CIFAR10_TEST_BATCH].some((f) => existsSync(join(d, f)));
}

/**
 * Finds and size-checks the batches: test_batch and data_batch_1 are required, data_batch_2..5 come all or none
 * (none is the subset's layout). Every batch holds exactly 10,000 records, so any other size is a truncated or
 * wrong file.
 */
export function findCifarFiles(dir: string, fix: string): CifarFiles {
  const d = batchFolder(dir);
  const present = CIFAR10_TRAIN_BATCHES.filter((f) => existsSync(join(d, f)));
  const need = [CIFAR10_TEST_BATCH, CIFAR10_TRAIN_BATCHES[0], ...(present.length > 1 ? CIFAR10_TRAIN_BATCHES.slice(1) : [])];
  for (const f of need) {
    const p = join(d, f);
    if (!existsSync(p)) {
      throw new BadInputError(`CIFAR-10 file ${p} is missing: ${d} needs test_batch.bin and data_batch_1.bin (and data_batch_2..5.bin for the full training set). ${fix}`);
    }
    const size = statSync(p).size;
    if (size !== CIFAR10_BATCH_BYTES) {
      throw new BadInputError(`CIFAR-10 file ${p} is ${size} bytes; an official batch is ${CIFAR10_BATCH_BYTES} bytes (10,000 records of ${CIFAR10_RECORD_BYTES}), so it is truncated or not a CIFAR-10 binary batch. ${fix}`);
    }
  }
  return { dir: d, train: (present.length > 1 ? CIFAR10_TRAIN_BATCHES : CIFAR10_TRAIN_BATCHES.slice(0, 1)).map((f) => join(d, f)), test: join(d, CIFAR10_TEST_BATCH) };
}

function loadBatches(paths: string[], fix: string): CanonicalSplit {
  const parts = paths.map((p) => decodeCifarRecords(readFileSync(p), p, fix));
  if (parts.length === 1) return parts[0]!;
  const n = parts.reduce((a, s) => a + s.y.shape[0]!, 0);
  const x = new Uint8Array(n * PLANE * 3);
  const y = new BigInt64Array(n);
  let i = 0;
  for (const s of parts) {
    x.set(s.x.data as Uint8Array, i * PLANE * 3);
    y.set(s.y.data as BigInt64Array, i);
    i += s.y.shape[0]!;
  }
  return { x: { dtype: 'U8', shape: [n, SIDE, SIDE, 3], data: x }, y: { dtype: 'I64', shape: [n], data: y } };
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const subsetVerdicts = new Map<string, boolean>();

/** Hashing 61 MB takes a moment, and describe() and load() both ask, so the verdict is kept per file state. */
function isSharedSubset(files: CifarFiles): boolean {
  if (files.train.length !== 1) return false;
  const key = [files.train[0]!, files.test].map((p) => `${p}:${statSync(p).mtimeMs}`).join('|');
  let verdict = subsetVerdicts.get(key);
  if (verdict === undefined) {
    verdict = sha256(files.train[0]!) === SUBSET_SHA256['data_batch_1.bin'] && sha256(files.test) === SUBSET_SHA256['test_batch.bin'];
    subsetVerdicts.set(key, verdict);
  }
  return verdict;
}

function readMarker(dir: string): FetchMarker | undefined {
  const p = join(dir, FETCH_MARKER);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as FetchMarker;
  } catch {
    return undefined;
  }
}

type Kind = 'dir' | 'home' | 'shared-subset';

function describeCifar(kind: Kind, root: string, files: CifarFiles): string {
  const nTrain = files.train.length * CIFAR10_BATCH_RECORDS;
  const batches = files.train.length === 1 ? 'data_batch_1 only' : 'data_batch_1-5';
  if (isSharedSubset(files)) {
    return `CIFAR-10 SUBSET decoded from a JPEG copy of CIFAR-10 (lossy: pixels differ slightly from the official set, so accuracies are not comparable with published CIFAR-10 numbers), from ${files.dir}: 10,000 training images (the first 1,000 of each class, not the official 50,000) and the 10,000 test images`;
  }
  if (kind === 'shared-subset') {
    throw new BadInputError(`the shared CIFAR-10 subset in ${files.dir} does not match its SHA256SUMS: restore it, or pass --data-dir with the official batches`);
  }
  const marker = kind === 'home' ? readMarker(root) : undefined;
  const provenance = marker
    ? marker.official_md5
      ? `the official CIFAR-10 binary version, downloaded from ${marker.url} on ${marker.fetched.slice(0, 10)} (MD5 ${marker.md5} verified)`
      : `CIFAR-10 binary batches downloaded from ${marker.url} on ${marker.fetched.slice(0, 10)} (MD5 ${marker.md5}, NOT the official tarball's)`
    : `CIFAR-10 binary batches from ${files.dir} (not checked against the official MD5; \`bindbench data fetch cifar10\` checks it)`;
  return `${provenance}: ${nTrain.toLocaleString('en-US')} training images (${batches}${files.train.length === 1 ? ', a subset of the official 50,000' : ''}) and 10,000 test images (test_batch)`;
}

function pick(ctx: SourceContext): { kind: Kind; root: string } {
  if (ctx.dataDir) return { kind: 'dir', root: resolve(ctx.dataDir) };
  const home = cifar10HomeDir(ctx.home);
  if (hasCifarBatches(home)) return { kind: 'home', root: home };
  const shared = cifar10SharedSubsetDir();
  if (hasCifarBatches(shared)) return { kind: 'shared-subset', root: shared };
  throw new BadInputError(
    `CIFAR-10 is not available: run \`bindbench data fetch cifar10\` (downloads the official binary tarball, needs network), or put the official binary batches (data_batch_1..5.bin, test_batch.bin) in ${home}, or pass --data-dir DIR`,
  );
}

const FIX: Record<Kind, (root: string) => string> = {
  dir: () => 'Replace it with the file from the official cifar-10-binary.tar.gz, or pass another --data-dir.',
  home: (root) => `Run \`bindbench data fetch cifar10 --force\` (needs network), or put intact official batches in ${root}, or pass --data-dir DIR.`,
  'shared-subset': () => 'The shared subset is damaged: restore it, or pass --data-dir with the official batches.',
};

export const cifar10: DatasetSource = {
  id: 'cifar10',
  title: 'CIFAR-10 (Krizhevsky 2009), 50,000 training and 10,000 test 32×32 colour images in 10 classes',
  version: 1,
  resolve(ctx) {
    const { kind, root } = pick(ctx);
    const fix = FIX[kind](root);
    const folder = batchFolder(root);
    return {
      key: kind === 'dir' ? dirKey(root) : kind,
      location: kind === 'shared-subset' ? `${root} (lossy JPEG-derived subset)` : root,
      inputs: [...CIFAR10_TRAIN_BATCHES, CIFAR10_TEST_BATCH].map((f) => join(folder, f)),
      caveat:
        kind === 'shared-subset'
          ? 'CIFAR-10 here is the shared subset: 10,000 training images (not the official 50,000) decoded from a lossy JPEG copy, so accuracies are not comparable with the study\'s or published CIFAR-10 numbers'
          : null,
      describe: () => describeCifar(kind, root, findCifarFiles(root, fix)),
      load() {
        const files = findCifarFiles(root, fix);
        const train = loadBatches(files.train, fix);
        const test = loadBatches([files.test], fix);
        return {
          train,
          test,
          details: {
            classes: [...CIFAR10_CLASSES],
            jpeg_subset: isSharedSubset(files),
            train_batches: files.train.map((p) => p.slice(files.dir.length + 1)),
            train_class_counts: classHistogram(train.y, 10),
            test_class_counts: classHistogram(test.y, 10),
          },
        };
      },
    };
  },
};
