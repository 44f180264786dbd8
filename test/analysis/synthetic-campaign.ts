/** A campaign as the analysis reads it, built from literals (no store). */
import type { AccuracyCurves, CampaignData, RunRecord } from '../../src/analysis/campaign-data.js';

export function run(p: Partial<RunRecord> & Pick<RunRecord, 'binding' | 'seed'>): RunRecord {
  return {
    id: `c/${p.model ?? 'lenet1'}--${p.binding}--${p.seed}--${p.mode ?? 'train'}--${p.loadMode ?? ''}--${p.device ?? 'cpu'}`,
    campaign: 'c',
    cellKey: `${p.model ?? 'lenet1'}--${p.binding.replace('/', '-')}--s${p.seed}--${p.device ?? 'cpu'}`,
    language: p.binding.split('/')[1]!,
    model: 'lenet1',
    framework: p.binding.split('/')[0]!,
    device: 'cpu',
    mode: 'train',
    status: 'ok',
    reason: null,
    finalTestAccuracy: null,
    trainSeconds: null,
    meanInferenceSeconds: null,
    sourceRun: null,
    sourceBinding: null,
    sourceFramework: null,
    loadMode: null,
    sourceCorrect: null,
    targetCorrect: null,
    reproduced: null,
    stable: null,
    // Flags given in a test are what the data recorded; a test of the computed verdicts sets this to false.
    recordedVerdicts: true,
    timedPasses: [],
    maxAbsLogitDiff: null,
    dataOrder: null,
    style: 'minimal',
    init: null,
    dataSource: null,
    dataCaveat: null,
    finalTrainAccuracy: null,
    started: '',
    finished: '',
    schedule: 'serial',
    peakRssBytes: null,
    coreLibrary: null,
    coreVersion: null,
    peakDeviceBytes: null,
    phases: null,
    ...p,
  };
}

export function campaign(runs: RunRecord[], curves: Record<string, AccuracyCurves> = {}): CampaignData {
  return { id: 'c', created: '2026-01-01T00:00:00.000Z', runs, curves: new Map(Object.entries(curves)) };
}
