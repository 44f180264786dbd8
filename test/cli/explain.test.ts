/** `bindbench explain` on stored campaigns: what it says with nothing to explain, and its bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
