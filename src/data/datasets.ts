/**
 * Dataset sources: where raw data comes from and how it becomes canonical tensors. Each dataset is a small named
 * object; the default source of each is a registry package or a shared copy so nothing downloads at run time.
 */
import type { Home } from '../base/home.js';
import type { Tensor } from '../base/safetensors.js';
import { cifar10 } from './cifar10.js';
import { imdb } from './imdb.js';
import { imdbBert } from './imdb-bert.js';
import { mnist } from './mnist.js';

export interface CanonicalSplit {
  /** U8 [N, H, W, C] images (runners scale them to x/255) or I32 [N, T] token ids (fed as integers). */
  x: Tensor;
  /** I64 [N] class labels. */
  y: Tensor;
}

export interface LoadedDataset {
  train: CanonicalSplit;
  test: CanonicalSplit;
  /** Extra cache files (name -> bytes), checksummed in the manifest like the splits, e.g. IMDB's vocabulary. */
  files?: Record<string, string | Uint8Array>;
  /** Facts about the prepared data (class counts, vocabulary size, length statistics) kept in the manifest. */
  details?: Record<string, unknown>;
}

/**
 * A WordPiece tokenizer some binding's environment carries (the data room installs nothing): where its
 * tokenizer.json lies, found on disk without starting anything, and the process that tokenises.
 */
export interface WordPieceTokenizer {
  tokenizerFile(home: Home): string | undefined;
  /** The command that runs `tokenize <reviews.json> <maxlen> <out dir>` in that environment. */
  command(home: Home, args: string[]): { command: string; args: string[]; env: Record<string, string> };
  /** Where it is installed, and what installs it, for the messages a user reads. */
  location(home: Home): string;
  setupHint: string;
}

/** Tools that preparing some datasets needs, offered by the bindings that install them (bindings/index.ts). */
export interface DatasetTools {
  wordpiece?: WordPieceTokenizer;
}

export interface SourceContext {
  home: Home;
  /** The user's --data-dir, if any. */
  dataDir?: string;
  tools: DatasetTools;
}

/** One concrete place the raw data will be read from, chosen by the source from the context. */
export interface ResolvedSource {
  /**
   * Cache folder name: raw data from different places never shares a cache (the shared CIFAR-10 subset and the
   * full official set must not be confused when a user fetches the latter later).
   */
  key: string;
  /** Short "where from" for `bindbench data list`. */
  location: string;
  /** Raw files whose size and modification time the manifest remembers, so replacing one rebuilds the cache. */
  inputs: string[];
  /**
   * How this data differs from the dataset the study trained on, in one sentence, or null when it is that dataset.
   * Every run records it and every verdict on such runs carries it as a warning (`stand-in-data`).
   */
  caveat: string | null;
  /** Exactly which data this is, recorded in the cache manifest and in every run (may read the files). */
  describe(loaded: LoadedDataset): string;
  load(): LoadedDataset;
}

export interface DatasetSource {
  id: string;
  title: string;
  /** Bump when the preprocessing changes, so caches built by the old code are rebuilt rather than reused. */
  version: number;
  /** Picks the raw data to use; throws BadInputError saying how to get the data when there is none. */
  resolve(ctx: SourceContext): ResolvedSource;
}

/** Every dataset, by id. The only list of datasets. */
export const datasets: Readonly<Record<string, DatasetSource>> = { mnist, cifar10, imdb, 'imdb-bert': imdbBert };
