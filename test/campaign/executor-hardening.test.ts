/** The local executor against runners that misbehave in ways that used to end or hang the orchestrator (issue 20). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardedLaunch, LocalExecutor } from '../../src/campaign/executors/local.js';
import { LineSplitter } from '../../src/campaign/executors/line-splitter.js';
import { packageRoot } from '../../src/base/home.js';

const START = JSON.stringify({ type: 'start', protocol: 2, binding: 'fake/js', language: 'javascript', framework: 'fake', versions: {}, device: { kind: 'cpu', name: 'x' }, settings: {} });
const END = JSON.stringify({ type: 'end', train_seconds: 0, wall_seconds: 0 });

function run(script: string, extra: { maxLineBytes?: number; outputGraceMs?: number; timeoutSeconds?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bindbench-exec-'));
  const opts = { launch: { command: process.execPath, args: ['-e', script], env: {} }, eventsFile: join(dir, 'events.jsonl'), stderrFile: join(dir, 'stderr.txt'), timeoutSeconds: extra.timeoutSeconds ?? 60, ...extra };
  return { dir, outcome: new LocalExecutor().execute(opts) };
}

test('the line splitter keeps lines whole across chunks and drops an overlong one without holding it', () => {
  const lines: string[] = [];
  const over: number[] = [];
  const s = new LineSplitter(10, (l) => lines.push(l), (n) => over.push(n));
  s.push(Buffer.from('ab'));
  s.push(Buffer.from('c\nxxxxxxxx'));
  s.push(Buffer.from('xxxxxxxxxxxx\r\nok\nla'));
  s.end();
  assert.deepEqual(lines, ['abc', 'ok', 'la']);
  assert.deepEqual(over, [21]);
});

test('a runaway stdout line fails the cell with its size, and the lines after it are still stored', async () => {
  const script = `process.stdout.write(${JSON.stringify(START)} + '\\n' + 'x'.repeat(3 * 1024 * 1024) + '\\n' + ${JSON.stringify(END)} + '\\n')`;
  const { dir, outcome } = run(script, { maxLineBytes: 1024 * 1024 });
  const o = await outcome;
  assert.match(o.protocolError ?? '', /stdout line 2 is 3145728 bytes, over the 1048576-byte limit/);
  assert.deepEqual(o.events.map((e) => e.type), ['start'], 'after a protocol error nothing more is parsed');
  const stored = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n');
  assert.deepEqual(stored.slice(1), ['{"dropped_line":2,"bytes":3145728}', END]);
});

test('a process the runner leaves behind holding stdout open does not hang the orchestrator', async () => {
  // The grandchild leaves the process group (detached) and keeps the runner's stdout for 30 s.
  const script = `const { spawn } = require('node:child_process'); spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { detached: true, stdio: ['ignore', 'inherit', 'ignore'] }).unref(); console.log(${JSON.stringify(START)}); console.log(${JSON.stringify(END)});`;
  const t0 = Date.now();
  const o = await run(script, { outputGraceMs: 500 }).outcome;
  assert.ok(Date.now() - t0 < 10_000, `returned after ${Date.now() - t0} ms`);
  assert.equal(o.exitCode, 0);
  assert.deepEqual(o.events.map((e) => e.type), ['start', 'end']);
  assert.match(o.protocolError ?? '', /a process it started still held its output open/);
});

test('a timeout beyond what Node timers hold is clamped, not fired at once', async () => {
  const script = `setTimeout(() => { console.log(${JSON.stringify(START)}); console.log(${JSON.stringify(END)}); }, 300)`;
  const o = await run(script, { timeoutSeconds: 3_000_000 }).outcome;
  assert.equal(o.timedOut, false);
  assert.equal(o.exitCode, 0);
});

test('a runner dies with its orchestrator, even when the orchestrator is SIGKILLed', { skip: guardedLaunch('x', []).command === 'x' ? 'no setpriv on this machine' : false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bindbench-orphan-'));
  const pidFile = join(dir, 'runner.pid');
  // An orchestrator in miniature: the real executor, running a runner that writes its pid and sleeps.
  const runner = `require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setTimeout(() => {}, 60000)`;
  const orchestrator = `import(${JSON.stringify(join(packageRoot, 'dist', 'src', 'campaign', 'executors', 'local.js'))}).then(({ LocalExecutor }) => new LocalExecutor().execute({ launch: { command: process.execPath, args: ['-e', ${JSON.stringify(runner)}], env: {} }, eventsFile: ${JSON.stringify(join(dir, 'e'))}, stderrFile: ${JSON.stringify(join(dir, 's'))}, timeoutSeconds: 120 }))`;
  const parent = spawn(process.execPath, ['-e', orchestrator], { stdio: 'ignore' });
  let pid = 0;
  for (let i = 0; i < 100 && !pid; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      pid = Number(readFileSync(pidFile, 'utf8'));
    } catch {
      // not yet
    }
  }
  assert.ok(pid > 0, 'the runner started');
  parent.kill('SIGKILL');
  let alive = true;
  for (let i = 0; i < 50 && alive; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
  }
  assert.equal(alive, false, `runner ${pid} outlived its orchestrator`);
});
