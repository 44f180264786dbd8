import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerAnalyze } from '../../src/cli/analyze.js';
import { registerImport } from '../../src/cli/import.js';
import { BadInputError, CampaignFailedError } from '../../src/base/errors.js';
import { tempHome } from '../fixtures/temp-home.js';
import { miniStudy } from '../importers/mini-study.js';

/** Runs the two commands in-process (as main.ts will register them) and returns what they printed. */
async function bindbench(home: string, args: string[]): Promise<string> {
  const program = new Command('bindbench').option('--home <dir>').exitOverride();
  registerImport(program);
  registerAnalyze(program);
  program.commands.forEach((c) => c.exitOverride());
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  try {
    await program.parseAsync(['--home', home, ...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return out;
}

test('analyze with nothing in the store, or an unknown campaign, is bad input that says what to do', async () => {
  const home = tempHome().root;
  await assert.rejects(bindbench(home, ['analyze']), (e: Error) => e instanceof BadInputError && /no campaigns in .*: run `bindbench run` or `bindbench import` first/.test(e.message));
  await assert.rejects(bindbench(home, ['analyze', '--campaign', 'nope']), (e: Error) => e instanceof BadInputError && /no campaign 'nope' in the index/.test(e.message));
  await assert.rejects(bindbench(home, ['analyze', '--alpha', '2']), /--alpha: '2' is not a number strictly between 0 and 1/);
});

test('import refuses a folder that is not in the importer\'s layout, and an unknown importer', async () => {
  const home = tempHome().root;
  const empty = mkdtempSync(join(tmpdir(), 'not-a-study-'));
  await assert.rejects(bindbench(home, ['import', 'cmpmlbindings', empty]), (e: Error) => e instanceof BadInputError && /does not look like cmpmlbindings data/.test(e.message));
  await assert.rejects(bindbench(home, ['import', 'cmpmlbindings', join(empty, 'missing')]), /is not a folder/);
  await assert.rejects(bindbench(home, ['import', 'other', empty]), /unknown importer 'other'/);
});

test('import then analyze: unparsed files are listed, the Markdown is printed and both report files are written', async () => {
  const home = tempHome().root;
  // The mini study has a damaged run: without --allow-partial the import is written but ends with exit 1.
  await assert.rejects(bindbench(home, ['import', 'cmpmlbindings', miniStudy(), '--campaign', 'mini']), (e: Error) => e instanceof CampaignFailedError && /is partial: 4 file\(s\) could not be used .*--allow-partial/.test(e.message));
  const printed = await bindbench(home, ['import', 'cmpmlbindings', miniStudy(), '--campaign', 'mini', '--allow-partial']);
  assert.match(printed, /imported 3 training runs and 4 inference runs into campaign 'mini'/);
  assert.match(printed, /4 file\(s\) could not be imported:\n  data\/pytorch\/lenet1\/rs\/testing_errors_1.txt: run 1 is left out/);
  const imported = JSON.parse(await bindbench(home, ['import', 'cmpmlbindings', miniStudy(), '--campaign', 'mini', '--json', '--allow-partial']));
  assert.equal(imported.replaced, true);
  assert.equal(imported.unparsed.length, 4);
  const out = join(home, 'report');
  const md = await bindbench(home, ['analyze', '--out', out, '--holm']);
  assert.match(md, /^# bindbench analysis: mini/);
  assert.match(md, /Holm correction/);
  assert.equal(readFileSync(join(out, 'analysis.md'), 'utf8') + `\nreport: ${join(out, 'analysis.md')}, ${join(out, 'analysis.json')}\n`, md);
  const json = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8'));
  assert.equal(json.analyses[0].settings.correction, 'holm');
  assert.ok(existsSync(join(out, 'analysis.json')));
});
