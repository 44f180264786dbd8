#!/usr/bin/env node
// Times `bindbench analyze` on the whole imported study (target: under 2 s on the 2-core dev machine).
// Usage: npm run build && node scripts/bench-analyze.mjs [study-dir] [--repeat N]
// Imports the study into a temporary home once (not timed as analysis; reported separately), then analyzes it
// N times in-process (open the index, load, RQ1-RQ4, render Markdown and JSON, write both files) and N times
// through the CLI when `analyze` is registered, and prints the median and the per-phase split.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const dist = (p) => join(root, 'dist', 'src', p);
const args = process.argv.slice(2);
const repeatAt = args.indexOf('--repeat');
const repeat = repeatAt >= 0 ? Number(args[repeatAt + 1]) : 5;
const studyDir = resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--repeat') ?? process.env.BINDBENCH_CMPMLBINDINGS_DIR ?? '/work/shared/datasets/cmpmlbindings');
if (!existsSync(join(studyDir, 'random_seeds.txt'))) {
  console.error(`bench-analyze: the study's data is not at ${studyDir}; pass its folder as the first argument`);
  process.exit(2);
}
if (!existsSync(dist('cli/analyze.js'))) {
  console.error('bench-analyze: build first (npm run build)');
  process.exit(2);
}

const { resolveHome } = await import(dist('home.js'));
const { importerById, writeImportedCampaign } = await import(dist('importers/index.js'));
const { openIndex } = await import(dist('store/index-db.js'));
const { analyzeCampaign, loadCampaignData } = await import(dist('analysis/index.js'));
const { renderAnalysesMarkdown } = await import(dist('report/analysis-markdown.js'));
const { renderAnalysisJson } = await import(dist('report/analysis-json.js'));
const { writeFileAtomic } = await import(dist('store/atomic.js'));
const { registryReference } = await import(dist('cli/analyze.js'));

const scratch = mkdtempSync(join(tmpdir(), 'bench-analyze-'));
const home = resolveHome(join(scratch, 'home'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;

try {
  let t = performance.now();
  const imported = importerById('cmpmlbindings').read(studyDir, 'cmpmlbindings');
  const outcome = writeImportedCampaign(home.store, 'cmpmlbindings', imported);
  console.log(`import: ${outcome.trainRuns} training + ${outcome.inferRuns} inference runs, ${outcome.unparsed.length} unparsed files, ${ms(performance.now() - t)} (not part of the target)`);

  const phases = { open: [], load: [], analyze: [], render: [], write: [], total: [] };
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    const db = openIndex(home.store);
    const t1 = performance.now();
    const data = loadCampaignData(db, 'cmpmlbindings');
    db.close();
    const t2 = performance.now();
    const analysis = analyzeCampaign(data, { referenceOf: registryReference });
    const t3 = performance.now();
    const md = renderAnalysesMarkdown([analysis]);
    const json = renderAnalysisJson([analysis]);
    const t4 = performance.now();
    writeFileAtomic(join(scratch, 'analysis.md'), md);
    writeFileAtomic(join(scratch, 'analysis.json'), json);
    const t5 = performance.now();
    for (const [k, v] of Object.entries({ open: t1 - t0, load: t2 - t1, analyze: t3 - t2, render: t4 - t3, write: t5 - t4, total: t5 - t0 })) phases[k].push(v);
  }
  console.log(`in-process, median of ${repeat}: ${Object.entries(phases).map(([k, v]) => `${k} ${ms(median(v))}`).join(', ')}`);

  const bin = join(root, 'bin', 'bindbench.js');
  const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  if (!/\banalyze\b/.test(help.stdout)) {
    console.log('CLI: `analyze` is not registered in src/cli/main.ts yet; CLI timing skipped');
  } else {
    const walls = [];
    for (let i = 0; i < repeat; i++) {
      t = performance.now();
      const r = spawnSync(process.execPath, [bin, '--home', home.root, 'analyze', '--campaign', 'cmpmlbindings', '--out', join(scratch, 'cli')], { encoding: 'utf8' });
      walls.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`bindbench analyze exited ${r.status}: ${r.stderr}`);
    }
    console.log(`CLI \`bindbench analyze\` (node start-up included), median of ${repeat}: ${ms(median(walls))} (min ${ms(Math.min(...walls))}, max ${ms(Math.max(...walls))})`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
