/** The analysis room: store query results in, plain result objects out (one module per research question). */
export { analyzeCampaign, type CampaignAnalysis } from './analyze-campaign.js';
export { defaultAnalysisOptions, type AnalysisOptions, type Correction } from './analysis-options.js';
export { familyOf, type RunFamily } from './families.js';
export { reproductionOf, maxAbsLogitDiff, type ReproductionVerdict } from './reproduction.js';
export type { AnalysisWarning } from './analysis-warning.js';
export { campaignData, loadCampaignData, loadLadderData, type AccuracyCurves, type CampaignData, type RunRecord } from './campaign-data.js';
export { compareToReference, ratioText, MIN_SAMPLE, type Comparison, type Verdict } from './compare-to-reference.js';
export { analyzeRq1, type Rq1Group, type Rq1Result } from './rq1-accuracy.js';
export { analyzeRq2, type Rq2Row, type Rq2Result } from './rq2-reproduction.js';
export { analyzeRq3, type Rq3Result } from './rq3-training-time.js';
export { analyzeRq4, type Rq4Result } from './rq4-inference-time.js';
export type { TimingFamily, BindingSample } from './timing-families.js';
export { analyzeApiCost, type ApiCostRow } from './api-cost.js';
export { explainDifferences, LADDER, type Attribution, type LadderData, type RungResult } from './ladder.js';
