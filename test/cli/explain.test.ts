/** `bindbench explain` on stored campaigns: what it says with nothing to explain, and its bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/base/home.js';
import { buildFixtureCampaign } from '../report/fixture-store.js';
import { tempHome } from '../fixtures/temp-home.js';

function bindbench(home: string, args: string[]) {
  const r = spawnSync(process.execPath, [join(packageRoot, 'bin', 'bindbench.js'), '--home', home, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('explain --dry-run lists the differences and the rung campaigns and runs nothing; an unknown campaign is bad input', () => {
  const home = tempHome();
  buildFixtureCampaign(home, { campaign: 'base' });
  const r = bindbench(home.root, ['explain', '--campaign', 'base', '--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  // 3 seeds give no significant accuracy or time, but the fixture's tfjs curves lie beyond the seed noise.
  assert.match(r.stdout, /^campaign base: 1 difference\(s\) to explain\n  lenet5 cpu tensorflow\/js vs tensorflow\/python, final test accuracy: minimal: training curves/);
  assert.equal((r.stdout.match(/: campaign base--explain-/g) ?? []).length, 5);
  const listed = bindbench(home.root, ['runs', 'list']);
  assert.doesNotMatch(listed.stdout, /explain-/, 'a dry run creates no campaign');
  const bad = bindbench(home.root, ['explain', '--campaign', 'nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no campaign 'nope'/);
});

test('a ladder in the store shows in analyze (JSON and Markdown) and in the HTML report, with a figure per difference', () => {
  const home = tempHome();
  buildFixtureCampaign(home, { campaign: 'base' });
  // A rung campaign as explain names it: the fixture's runs are minimal-style, the last rung's style.
  buildFixtureCampaign(home, { campaign: 'base--explain-minimal-style' });
  const analyzed = bindbench(home.root, ['analyze', '--campaign', 'base', '--json']);
  assert.equal(analyzed.code, 0, analyzed.stderr);
  const [analysis] = (JSON.parse(analyzed.stdout) as { analyses: Array<{ ladder: Array<{ difference: { binding: string }; rungs: Array<{ rung: string; campaign: string | null; n: number[]; state: string }>; cause: string }> }> }).analyses;
  assert.equal(analysis!.ladder.length, 1);
  const [a] = analysis!.ladder;
  assert.equal(a!.difference.binding, 'tensorflow/js');
  assert.deepEqual(a!.rungs.map((r) => r.state).slice(0, 4), ['not run', 'not run', 'not run', 'not run']);
  assert.deepEqual([a!.rungs[4]!.campaign, a!.rungs[4]!.n], ['base--explain-minimal-style', [2, 3]], 'the fixture has one failed tfjs run');
  assert.match(a!.cause, /^undecided/);
  const markdown = bindbench(home.root, ['analyze', '--campaign', 'base']);
  assert.match(markdown.stdout, /## Why bindings differ: the attribution ladder[\s\S]*### lenet5 cpu: tensorflow\/js vs tensorflow\/python, final test accuracy[\s\S]*\| minimal-style +\| base--explain-minimal-style +\| 2 \/ 3 \|/);
  const report = bindbench(home.root, ['report', '--campaign', 'base', '--out', join(home.root, 'r')]);
  assert.equal(report.code, 0, report.stderr);
  const html = readFileSync(join(home.root, 'r', 'report.html'), 'utf8');
  assert.match(html, /<h2>Why bindings differ<\/h2>/);
  assert.equal((html.match(/data-kind="ladder"/g) ?? []).length, 1);
  assert.match(html, /<figure[^>]*data-kind="ladder"[^>]*>\s*<svg/);
  // The rung campaign's own analysis has no ladder of its own.
  const rung = bindbench(home.root, ['analyze', '--campaign', 'base--explain-minimal-style', '--json']);
  assert.deepEqual((JSON.parse(rung.stdout) as { analyses: Array<{ ladder: unknown[] }> }).analyses[0]!.ladder, []);
});
