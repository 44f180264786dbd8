/** What `analyze` and `report` share: the analysis settings from their flags, and analysis.md/analysis.json written. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CampaignAnalysis, Correction } from '../analysis/index.js';
import { writeFileAtomic } from '../base/atomic-file.js';
import type { Home } from '../base/home.js';
import { renderAnalysisJson } from '../report/analysis-json.js';
import { renderAnalysesMarkdown } from '../report/analysis-markdown.js';

export function analysisSettings(o: { alpha?: number; holm?: boolean }): { alpha: number; correction: Correction } {
  return { alpha: o.alpha ?? 0.05, correction: o.holm ? 'holm' : 'bonferroni' };
}

/** `--out`, or `<home>/reports/<campaigns>`; created. */
export function reportFolder(home: Home, out: string | undefined, campaigns: readonly string[]): string {
  const dir = resolve(out ?? join(home.root, 'reports', campaigns.join('+')));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes analysis.md and analysis.json into `dir`; returns their paths and texts. */
export function writeAnalysisFiles(dir: string, analyses: CampaignAnalysis[]): { markdown: string; json: string; paths: { markdown: string; json: string } } {
  const markdown = renderAnalysesMarkdown(analyses);
  const json = renderAnalysisJson(analyses);
  const paths = { markdown: join(dir, 'analysis.md'), json: join(dir, 'analysis.json') };
  writeFileAtomic(paths.markdown, markdown);
  writeFileAtomic(paths.json, json);
  return { markdown, json, paths };
}
