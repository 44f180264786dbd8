/** `bindbench compare`: the regression gate's exit codes and its three output forms, on stored fixture campaigns. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/base/home.js';
import { buildFixtureCampaign } from '../report/fixture-store.js';
import { tempHome } from '../fixtures/temp-home.js';
import { junitValidator } from '../fixtures/junit-schema.js';
import { ResultStore } from '../../src/store/result-store.js';

function bindbench(home: string, args: string[]) {
  const r = spawnSync(process.execPath, [join(packageRoot, 'bin', 'bindbench.js'), '--home', home, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const home = tempHome();
buildFixtureCampaign(home, { campaign: 'base' });
buildFixtureCampaign(home, { campaign: 'same' });
buildFixtureCampaign(home, { campaign: 'lost', loseReproduction: 'pytorch/rust' });

test('exit 0 when nothing regressed: the same measurements on both sides', () => {
  const r = bindbench(home.root, ['compare', 'base', 'same']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# bindbench compare: same against base/m);
  assert.match(r.stdout, /no regression; 0 improvement\(s\)/);
  // 3 seeds a side: the exact test cannot pass Holm, and the gate says so rather than calling it no change.
  assert.match(r.stdout, /\| inconclusive\s+\| training time\s+\| lenet1\s+\| cpu\s+\| minimal\s+\| pytorch\/python\s+\|/);
});

test('exit 1 when a load that always reproduced loses a sample; JUnit XML marks it a failure', () => {
  const r = bindbench(home.root, ['compare', 'base', 'lost', '--format', 'junit']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /bindbench: 2 regression\(s\): lost against base/);
  assert.match(r.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="bindbench compare lost against base" tests="\d+" failures="2" errors="0" time="0">/);
  const failures = [...r.stdout.matchAll(/<testcase classname="([^"]+)" name="([^"]+)" time="0">\n\s+<failure message="regression: reproduced 0\/3 \(baseline 3\/3\): a load that always reproduced now fails"/g)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(failures.sort(), [
    'bindbench.lenet1.cpu.minimal pytorch/rust loading pytorch/python&apos;s model (states): reproduction',
    'bindbench.lenet1.cuda.minimal pytorch/rust loading pytorch/python&apos;s model (states): reproduction',
  ]);
  // Every element opened is closed, in order: the XML is well formed.
  const stack: string[] = [];
  for (const m of r.stdout.matchAll(/<(\/?)([a-z-]+)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) assert.equal(stack.pop(), m[2]);
    else stack.push(m[2]!);
  }
  assert.deepEqual(stack, []);
});

test('JSON and --out: every row with its numbers, written to the file', () => {
  const out = join(home.root, 'gate.json');
  const r = bindbench(home.root, ['compare', 'base', 'lost', '--format', 'json', '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /2 regression\(s\); json written to/);
  const json = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(json.baseline, 'base');
  assert.equal(json.counts.regression, 2);
  assert.ok(json.rows.every((row: { verdict: string; reason: string }) => row.reason.length > 0), 'every row says why');
});

test('two bindings of one campaign: rows name both', () => {
  const r = bindbench(home.root, ['compare', 'base', '--baseline', 'pytorch/python', '--candidate', 'pytorch/rust']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /pytorch\/python vs pytorch\/rust/);
});

test('exit 2 on bad input, naming what is wrong', () => {
  const cases: Array<[string[], RegExp]> = [
    [['compare', 'base', 'nope'], /no campaign 'nope' in the index; known campaigns: .*base/],
    [['compare', 'base'], /compare needs two campaigns, BASELINE CANDIDATE \(got 1\)/],
    [['compare', 'base', 'same', '--format', 'xml'], /--format: 'xml' is not one of markdown, json, junit/],
    [['compare', 'base', '--baseline', 'pytorch/python', '--candidate', 'pytorch/cobol'], /campaign base has no runs of binding 'pytorch\/cobol'/],
    [['compare', 'base', 'same', '--max-slowdown', 'lots'], /--max-slowdown: 'lots' is not a fraction/],
  ];
  for (const [args, message] of cases) {
    const r = bindbench(home.root, args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test("the JUnit XML validates against Jenkins's junit-10.xsd: passes, skips and failures", (t) => {
  const validator = junitValidator();
  if ('skip' in validator) return t.skip(validator.skip);
  for (const [args, kinds] of [
    [['compare', 'base', 'lost'], ['<failure', '<skipped', '<system-out>']],
    [['compare', 'base', '--baseline', 'pytorch/python', '--candidate', 'pytorch/rust'], ['<skipped', '<system-out>']],
  ] as const) {
    const out = join(home.root, `gate-${args.length}.xml`);
    bindbench(home.root, [...args, '--format', 'junit', '--out', out]);
    const xml = readFileSync(out, 'utf8');
    for (const k of kinds) assert.ok(xml.includes(k), `${args.join(' ')} has ${k}`);
    assert.equal(validator.validate(out), null, args.join(' '));
  }
});

test('a stored calibration of a compared binding and model is printed with the verdicts', () => {
  const calibrated = tempHome();
  buildFixtureCampaign(calibrated, { campaign: 'base' });
  buildFixtureCampaign(calibrated, { campaign: 'same' });
  const c = {
    binding: 'pytorch/rust',
    model: 'lenet1',
    device: 'cpu',
    style: 'minimal',
    created: '2026-12-05T08:00:00.000Z',
    options: { alpha: 0.05, maxSlowdown: 0.05 },
    pairs: [['x', 'y']],
    rows: [{ quantity: 'training time', pairs: 20, falseAlarms: 2, rate: 0.1, interval: [0.028, 0.301], thresholdForAlpha: 0.07 }],
  };
  ResultStore.with(calibrated.store, (store) => store.writeCalibration(c));
  ResultStore.with(calibrated.store, (store) => store.writeCalibration({ ...c, model: 'vgg16' }));
  const r = bindbench(calibrated.root, ['compare', 'base', 'same']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Calibration of pytorch\/rust lenet1 \(cpu, minimal\), 2026-12-05: 1 A\/A pairs at alpha 0\.05/);
  assert.match(r.stdout, /\| training time\s+\|\s+20 \|\s+2 \| 10\.0 %\s+\| 2\.8-30\.1 %\s+\| 7\.0 %/);
  assert.doesNotMatch(r.stdout, /vgg16/, 'only calibrations of what was compared');
});

test('calibrate refuses an unknown binding, model or repeat count before running anything', () => {
  const cases: Array<[string[], RegExp]> = [
    [['calibrate', '--binding', 'pytorch/cobol', '--model', 'lenet1'], /bindings: unknown binding 'pytorch\/cobol'/],
    [['calibrate', '--binding', 'pytorch/python', '--model', 'lenet7'], /models: unknown model 'lenet7'/],
    [['calibrate', '--binding', 'pytorch/python', '--model', 'lenet1', '--repeats', '1.5'], /--repeats: '1.5' is not a whole number of A\/A pairs/],
  ];
  for (const [args, message] of cases) {
    const r = bindbench(home.root, args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(ResultStore.with(home.store, (store) => store.listCampaigns().filter((c) => c.id.startsWith('calibrate-')).length), 0, 'nothing was run');
});

test('--format html: one page with the same verdicts; the fixture curves of the same seed give curve-distance rows', () => {
  const out = join(home.root, 'gate.html');
  const r = bindbench(home.root, ['compare', 'base', 'lost', '--format', 'html', '--out', out]);
  assert.equal(r.code, 1);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<h2>Regression gate: lost against base<\/h2>/);
  assert.equal((html.match(/<strong>regression<\/strong>/g) ?? []).length, 2);
  const json = JSON.parse(bindbench(home.root, ['compare', 'base', 'same', '--format', 'json']).stdout) as { rows: Array<{ quantity: string; verdict: string; ratio: number | null }> };
  const curves = json.rows.filter((row) => row.quantity === 'curve distance');
  assert.ok(curves.length > 0);
  assert.ok(curves.every((row) => row.verdict === 'no change' && row.ratio === 0), 'identical campaigns: every same-seed curve 0 apart');
});
