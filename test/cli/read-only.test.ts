/**
 * A home or output folder on a read-only file system: every command that must write there exits 2 with a message
 * naming the path (or the index) and what to do, no stack trace, and the files already there unchanged. Uses a read-only bind
 * mount, so it runs as root on Linux (where root's permission bypass would hide a chmod-based test) and skips
 * otherwise.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot, resolveHome } from '../../src/base/home.js';
import { ResultStore } from '../../src/store/result-store.js';

let mountPoint: string | null = null;
let skip: string | null = null;
let source = '';

before(() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    skip = 'a read-only bind mount needs root on Linux';
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'bindbench-ro-'));
  source = join(root, 'src');
  const target = join(root, 'mnt');
  mkdirSync(source);
  mkdirSync(target);
  // A home with an index and one campaign, written before the file system turns read-only.
  ResultStore.with(resolveHome(join(source, 'home')).store, (s) => s.importCampaign('kept', { spec: { importer: 'a test' }, runs: [] }));
  const bind = spawnSync('mount', ['--bind', source, target]);
  const ro = bind.status === 0 ? spawnSync('mount', ['-o', 'remount,bind,ro', target]) : bind;
  if (ro.status !== 0) {
    if (bind.status === 0) spawnSync('umount', [target]);
    skip = `this machine refuses a read-only bind mount: ${String(ro.stderr).trim()}`;
    return;
  }
  mountPoint = target;
});

after(() => {
  if (mountPoint) spawnSync('umount', [mountPoint]);
});

function bindbench(...args: string[]) {
  return spawnSync(process.execPath, [join(packageRoot, 'bin', 'bindbench.js'), ...args], { encoding: 'utf8' });
}

test('a read-only home or output folder: exit 2, the path named, what to do, nothing changed', (t) => {
  if (skip) return t.skip(skip);
  const home = join(mountPoint!, 'home');
  const index = readFileSync(join(source, 'home', 'store', 'index.sqlite'));
  const cases = [
    { args: ['--home', join(mountPoint!, 'fresh'), 'runs', 'list'], what: 'a home that does not exist yet' },
    { args: ['--home', join(mountPoint!, 'fresh'), 'data', 'prepare', 'mnist'], what: 'the data cache' },
    { args: ['--home', home, 'runs', 'reindex'], what: 'rebuilding the index' },
    { args: ['--home', home, 'report', '--campaign', 'kept', '--out', join(mountPoint!, 'report')], what: 'a report folder' },
  ];
  for (const c of cases) {
    const r = bindbench(...c.args);
    assert.equal(r.status, 2, `${c.what}: exit ${r.status}\n${r.stderr}`);
    assert.match(r.stderr, /read-only file system: cannot \w+ \/.*; choose a writable folder \(--home, --out\)|index .* cannot be written: its folder is read-only or not writable; choose a writable folder \(--home\)/, c.what);
    assert.doesNotMatch(r.stderr, /\n\s+at [\w.<]+ \(|internal error/, `${c.what}: no stack trace`);
  }
  assert.deepEqual(readFileSync(join(source, 'home', 'store', 'index.sqlite')), index, 'the index is unchanged');
  // The index opens for writing (WAL), so even reading a read-only store ends with the same clear message.
  const list = bindbench('--home', home, 'runs', 'list');
  assert.equal(list.status, 2, list.stderr);
  assert.match(list.stderr, /index .* cannot be written: its folder is read-only or not writable/);
});
