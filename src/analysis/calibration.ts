/**
 * A/A calibration of the regression gate: the same binding, model and settings on both sides of many comparisons,
 * so every regression or improvement the gate reports is a false alarm. Per quantity, the measured false-alarm rate
 * (pairs with any alarm over pairs compared) with its Wilson interval; for times also the smallest `--max-slowdown`
 * that would have kept the rate at or below alpha, since timing drift between campaigns, not the test, is what
 * usually sets it.
 */
import { wilsonInterval } from '../stats/index.js';
import type { GateOptions, GateQuantity, GateResult, GateRow } from './compare-sides.js';

export interface CalibrationRow {
  quantity: GateQuantity;
  /** A/A pairs in which the quantity was compared (a row on both sides). */
  pairs: number;
  /** Pairs in which some row of the quantity was called a regression or an improvement. */
  falseAlarms: number;
  rate: number;
  /** 95 % Wilson interval of the rate. */
  interval: [number, number];
  /** Times: the smallest slowdown threshold at which at most alpha of the pairs would have alarmed. */
  thresholdForAlpha: number | null;
}

export interface Calibration {
  binding: string;
  model: string;
  device: string;
  style: string;
  created: string;
  options: GateOptions;
  /** The campaigns compared, baseline then candidate, one pair each. */
  pairs: Array<[string, string]>;
  rows: CalibrationRow[];
}

const TIMES: readonly GateQuantity[] = ['training time', 'inference time'];

/** How far past 1 a time ratio is, slower or faster alike (a threshold t flags a row with excess above t). */
function excess(r: GateRow): number {
  const ratio = r.ratio ?? 1;
  return ratio >= 1 ? ratio - 1 : 1 / ratio - 1;
}

export function calibrate(results: readonly GateResult[], meta: Omit<Calibration, 'rows' | 'options'>): Calibration {
  const options = results[0]?.options ?? { alpha: 0.05, maxSlowdown: 0.05 };
  const quantities = [...new Set(results.flatMap((g) => g.rows.map((r) => r.quantity)))];
  const rows = quantities.map((quantity): CalibrationRow => {
    const compared = results.map((g) => g.rows.filter((r) => r.quantity === quantity && !r.reason.startsWith('only the'))).filter((rows) => rows.length > 0);
    const alarms = compared.filter((rows) => rows.some((r) => r.verdict === 'regression' || r.verdict === 'improvement')).length;
    const n = compared.length;
    let thresholdForAlpha: number | null = null;
    if (TIMES.includes(quantity) && n > 0) {
      // Per pair, the largest excess among its significant rows (0 when none was significant): a threshold flags
      // the pairs above it, and at most floor(alpha * n) of them may be flagged.
      const worst = compared.map((rows) => Math.max(0, ...rows.filter((r) => r.significant).map(excess))).sort((a, b) => b - a);
      thresholdForAlpha = worst[Math.floor(options.alpha * n)] ?? 0;
    }
    return { quantity, pairs: n, falseAlarms: alarms, rate: n ? alarms / n : 0, interval: n ? wilsonInterval(alarms, n) : [0, 1], thresholdForAlpha };
  });
  return { ...meta, options, rows };
}
