/** The analysis report as JSON: every number the Markdown shows, and the per-seed values behind them. */
import type { CampaignAnalysis } from '../analysis/analyze-campaign.js';

export const ANALYSIS_JSON_VERSION = 1;

export function renderAnalysisJson(analyses: CampaignAnalysis[]): string {
  // NaN (a test with nothing to rank) has no JSON form; it is written as null, which the Markdown shows as n/a.
  return JSON.stringify({ version: ANALYSIS_JSON_VERSION, analyses }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}
