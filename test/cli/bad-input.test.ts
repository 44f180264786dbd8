/**
 * The bad-input suite: every case exits 2 with a message that names the file, field or flag and what to do, and no
 * stack trace reaches the user. Add a case with every new flag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/base/home.js';
import { tempHome } from '../fixtures/temp-home.js';
import { ResultStore } from '../../src/store/result-store.js';

const home = tempHome();
const root = join(home.root, '..');
const aFile = join(root, 'a-file');
writeFileSync(aFile, 'x');
const damagedHome = join(root, 'damaged-home');
mkdirSync(join(damagedHome, 'store'), { recursive: true });
writeFileSync(join(damagedHome, 'store', 'index.sqlite'), 'this is not an SQLite database, only some text long enough');
ResultStore.with(home.store, (s) => s.importCampaign('imported', { spec: { importer: 'a test' }, runs: [] }));
const listSpec = join(root, 'list.yaml');
writeFileSync(listSpec, '- lenet1\n- lenet5\n');

const CASES: Array<{ args: string[]; says: RegExp }> = [
  { args: ['--home', aFile, 'runs', 'list'], says: /not a folder: .*a-file.* is a file; --home and --out must name folders/ },
  { args: ['--home', damagedHome, 'runs', 'list'], says: /index .* is damaged: delete it and run `bindbench runs reindex`/ },
  { args: ['run', '--spec', listSpec, '--dry-run'], says: /must be a mapping of fields .* not a list/ },
  { args: ['run', '--seeds', '0x10', '--dry-run'], says: /--seeds: '0x10' is not a non-negative integer \(decimal digits only\)/ },
  { args: ['run', '--timeout', '3000000', '--dry-run'], says: /timeout_seconds.*at most 2147483 seconds/ },
  { args: ['run', '--resume', '../../../x', '--dry-run'], says: /'\.\.\/\.\.\/\.\.\/x' is not a valid campaign id/ },
  { args: ['runs', 'show', '../..'], says: /not a valid campaign id|no complete run/ },
  { args: ['data', 'fetch', 'cifar10', '--url', 'notaurl'], says: /--url: 'notaurl' is not an http\(s\) or file URL/ },
  { args: ['setup', '--bindings', 'tensorflow/rust@0.21.0'], says: /binding 'tensorflow\/rust' has no versioned setup.*versions are available for pytorch\/python@<version>/ },
  { args: ['run', '--bindings', 'pytorch/python@latest', '--dry-run'], says: /unknown binding 'pytorch\/python@latest'; allowed values: .*pytorch\/python@<version>/ },
  { args: ['compare', 'nope-a', 'nope-b'], says: /no campaign 'nope-a'/ },
  { args: ['run', '--resume', 'imported', '--dry-run'], says: /campaign imported was imported by a test: there is nothing to resume/ },
  { args: ['explain', '--campaign', 'nope'], says: /no campaign 'nope'/ },
  { args: ['run', '--parallel', '0', '--dry-run'], says: /--parallel: '0' is not a whole number of at least 1/ },
  { args: ['run', '--parallel', '100000', '--dry-run'], says: /100000 cell\(s\) at once .* need 100000 CPUs, but this process may use \d+ .*: lower --parallel or --cores-per-cell/ },
  { args: ['compare', 'nope-a', 'nope-b', '--allow-mixed-schedules'], says: /no campaign 'nope-a'/ },
  { args: ['run', '--executor', 'nowhere', '--dry-run'], says: /executor: 'nowhere' is not allowed; allowed values: local, slurm/ },
  { args: ['run', '--partition', 'gpu', '--dry-run'], says: /slurm: settings for the Slurm executor, but executor is local: add `executor: slurm`/ },
  { args: ['run', '--executor', 'slurm', '--parallel', '2', '--dry-run'], says: /parallel: the Slurm executor runs cells as array tasks: give slurm.max_parallel \(--max-parallel\)/ },
  { args: ['run', '--executor', 'slurm', '--max-parallel', '0', '--dry-run'], says: /--max-parallel: '0' is not a whole number of at least 1/ },
];

for (const c of CASES) {
  test(`bad input exits 2 and says what is wrong: bindbench ${c.args.join(' ')}`, () => {
    const withHome = c.args[0] === '--home' ? c.args : ['--home', home.root, ...c.args];
    const r = spawnSync(process.execPath, [join(packageRoot, 'bin', 'bindbench.js'), ...withHome], { encoding: 'utf8' });
    assert.equal(r.status, 2, `exit ${r.status}\n${r.stderr}`);
    assert.match(r.stderr, c.says);
    assert.doesNotMatch(r.stderr, /\n\s+at [\w.<]+ \(|internal error/, 'no stack trace');
  });
}
