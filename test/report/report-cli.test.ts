import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerImport } from '../../src/cli/import.js';
import { registerReport } from '../../src/cli/report.js';
import { BadInputError } from '../../src/base/errors.js';
import { tempHome } from '../fixtures/temp-home.js';
import { miniStudy } from '../importers/mini-study.js';
import { buildFixtureCampaign } from './fixture-store.js';

/** Runs the commands in-process, as main.ts registers them, and returns what they printed on stdout. */
async function bindbench(home: string, args: string[]): Promise<string> {
  const program = new Command('bindbench').option('--home <dir>').exitOverride();
  registerImport(program);
  registerReport(program);
  program.commands.forEach((c) => c.exitOverride());
  let out = '';
  const write = process.stdout.write;
  const writeErr = process.stderr.write;
  // The test runner talks to its parent over stdout in binary frames while an async command runs; only text is ours.
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => (typeof chunk === 'string' ? ((out += chunk), true) : (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest))) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => (typeof chunk === 'string' ? true : (writeErr as (...a: unknown[]) => boolean).call(process.stderr, chunk, ...rest))) as typeof process.stderr.write;
  try {
    await program.parseAsync(['--home', home, ...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  return out;
}

test('report with nothing to report is bad input that says what to do', async () => {
  const home = tempHome().root;
  await assert.rejects(bindbench(home, ['report']), (e: Error) => e instanceof BadInputError && /no campaigns in .*: run `bindbench run` or `bindbench import` first/.test(e.message));
  await assert.rejects(bindbench(home, ['report', '--campaign', 'nope']), (e: Error) => e instanceof BadInputError && /no campaign 'nope'/.test(e.message));
  await assert.rejects(bindbench(home, ['report', '--alpha', '1.5']), /--alpha: '1.5' is not a number strictly between 0 and 1/);
});

test('report writes report.html beside analysis.md and analysis.json, prints its path, and exports the figures', async () => {
  const h = tempHome();
  buildFixtureCampaign(h, { campaign: 'one' });
  buildFixtureCampaign(h, { campaign: 'two', created: '2026-03-02T00:00:00.000Z', timeScale: { 'pytorch/rust': 0.5 } });
  const out = mkdtempSync(join(tmpdir(), 'bindbench-report-'));
  const figures = join(out, 'figures');
  const printed = await bindbench(h.root, ['report', '--campaign', 'one', '--campaign', 'two', '--out', out, '--figures', figures]);
  assert.equal(printed, `${join(out, 'report.html')}\n`);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /<h2>Campaign one<\/h2>/);
  assert.match(html, /<h2>Campaign two<\/h2>/);
  const json = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8'));
  assert.deepEqual(json.analyses.map((a: { campaign: string }) => a.campaign), ['one', 'two']);
  assert.match(readFileSync(join(out, 'analysis.md'), 'utf8'), /^# bindbench analysis: one/);
  const files = readdirSync(figures);
  const svgs = files.filter((f) => f.endsWith('.svg'));
  assert.equal(svgs.length, 32, '16 figures per campaign');
  assert.ok(svgs.includes('one--reproduction--cuda.svg') && svgs.includes('two--inference-time--pytorch--lenet1.svg'));
  assert.equal(files.filter((f) => f.endsWith('.png')).length, svgs.length, 'a PNG for every SVG (resvg is installed)');

  // Default: the most recent campaign, into <home>/reports/<campaign>; --json lists what was written.
  const written = JSON.parse(await bindbench(h.root, ['report', '--json']));
  assert.equal(written.report, join(h.root, 'reports', 'two', 'report.html'));
  assert.ok(existsSync(written.report) && existsSync(written.markdown) && existsSync(written.json));
  assert.equal(written.figures, null);
});

test('an imported campaign reports without reproduce commands and says why', async () => {
  const home = tempHome().root;
  await bindbench(home, ['import', 'cmpmlbindings', miniStudy(), '--campaign', 'study', '--allow-partial']);
  const out = join(home, 'out');
  await bindbench(home, ['report', '--campaign', 'study', '--out', out]);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /imported by the cmpmlbindings importer: these results were not produced by bindbench/);
  assert.doesNotMatch(html, /bindbench run --name/);
  assert.match(html, /<svg/);
});
