/**
 * One family of comparisons against the reference binding: per binding, medians, their ratio, a two-sided
 * Mann-Whitney U test corrected within the family (Bonferroni or Holm), and Cliff's delta. A comparison whose samples
 * cannot support a verdict (fewer than 3 values, or too few for the exact test to reach alpha even with complete
 * separation) says so instead of giving one.
 */
import { bonferroni, cliffsDelta, holm, mannWhitneyU, mean, median, type CliffsMagnitude } from '../stats/index.js';
import type { AnalysisOptions } from './analysis-options.js';

/** Fewest values per sample for a verdict. */
export const MIN_SAMPLE = 3;

export interface SampleSummary {
  n: number;
  median: number | null;
  mean: number | null;
  min: number | null;
  max: number | null;
}

export function summarize(values: readonly number[]): SampleSummary {
  if (values.length === 0) return { n: 0, median: null, mean: null, min: null, max: null };
  return { n: values.length, median: median(values), mean: mean(values), min: Math.min(...values), max: Math.max(...values) };
}

/** How the direction of a difference reads: times are faster/slower, accuracies and memory higher/lower. */
export type Direction = 'time' | 'accuracy' | 'memory';

export type Verdict = 'slower' | 'faster' | 'higher' | 'lower' | 'no significant difference' | 'too few samples' | 'no reference';

export interface Comparison {
  binding: string;
  reference: string;
  sample: SampleSummary;
  referenceSample: SampleSummary;
  /** median(binding) / median(reference); null without both medians or with a zero reference median. */
  ratio: number | null;
  /** `2.41x slower`, `1.18x faster` (times; memory: `1.30x more`, `1.10x less`; the larger median over the smaller). */
  ratioText: string | null;
  mannWhitney: { u: number; pvalue: number; method: 'exact' | 'asymptotic' } | null;
  /** p-value after the family's correction; null when no test ran. */
  adjustedP: number | null;
  /** Rejected after the correction; null when no test ran. */
  significant: boolean | null;
  /** Cliff's delta of the binding over the reference (positive: the binding's values are larger). */
  cliffsDelta: { delta: number; magnitude: CliffsMagnitude; ci: [number, number] } | null;
  verdict: Verdict;
  /** Why there is no verdict, or what limits it. */
  note: string | null;
  /**
   * The native core versions of the two sides when they differ (`libtorch 2.7.1` against `torch 2.11.0+cu130`): the
   * verdict then measures the binding and the core's version together. Null when they match or are unknown.
   */
  coreVersions: { binding: string; reference: string } | null;
}

export function ratioText(ratio: number | null, direction: Direction = 'time'): string | null {
  if (ratio === null || !Number.isFinite(ratio) || ratio <= 0) return null;
  const [more, less] = direction === 'memory' ? ['more', 'less'] : ['slower', 'faster'];
  return ratio >= 1 ? `${ratio.toFixed(2)}x ${more}` : `${(1 / ratio).toFixed(2)}x ${less}`;
}

/** The smallest two-sided p the test can give for these sample sizes (complete separation, no ties). */
function smallestAttainableP(n1: number, n2: number, method: 'exact' | 'asymptotic'): number {
  const x = Array.from({ length: n1 }, (_, i) => i);
  const y = Array.from({ length: n2 }, (_, i) => n1 + i);
  return mannWhitneyU(x, y, { method }).pvalue;
}

export interface FamilyMember {
  binding: string;
  values: number[];
}

/** Compares each member with the reference sample; the members form one multiple-comparison family. */
export function compareToReference(reference: string, referenceValues: readonly number[], members: FamilyMember[], direction: Direction, opts: Pick<AnalysisOptions, 'alpha' | 'correction'>): Comparison[] {
  const referenceSample = summarize(referenceValues);
  const base = members.map((m): Comparison => {
    const sample = summarize(m.values);
    const ratio = sample.median !== null && referenceSample.median ? sample.median / referenceSample.median : null;
    const out: Comparison = {
      binding: m.binding,
      reference,
      sample,
      referenceSample,
      ratio,
      ratioText: direction === 'accuracy' ? null : ratioText(ratio, direction),
      mannWhitney: null,
      adjustedP: null,
      significant: null,
      cliffsDelta: null,
      verdict: 'too few samples',
      note: null,
      coreVersions: null,
    };
    if (referenceValues.length === 0) return { ...out, verdict: 'no reference', note: `no ${reference} values to compare with` };
    if (m.values.length >= 2 && referenceValues.length >= 2) {
      const c = cliffsDelta(m.values, referenceValues);
      out.cliffsDelta = { delta: c.delta, magnitude: c.magnitude, ci: c.ci };
    }
    if (m.values.length > 0) {
      const r = mannWhitneyU(m.values, referenceValues, { alternative: 'two-sided' });
      out.mannWhitney = { u: r.statistic, pvalue: r.pvalue, method: r.method };
    }
    return out;
  });

  // Only comparisons that can give a verdict join the family; a 2-vs-2 test would only inflate m.
  const tested = base.filter((c) => c.mannWhitney && !Number.isNaN(c.mannWhitney.pvalue) && c.sample.n >= MIN_SAMPLE && c.referenceSample.n >= MIN_SAMPLE);
  if (tested.length) {
    const ps = tested.map((c) => c.mannWhitney!.pvalue);
    const corrected = opts.correction === 'holm' ? holm(ps, opts.alpha) : bonferroni(ps, opts.alpha);
    tested.forEach((c, i) => {
      c.adjustedP = corrected.adjusted[i]!;
      c.significant = corrected.reject[i]!;
    });
  }
  const m = tested.length;
  const floorOf = (c: Comparison) => smallestAttainableP(c.sample.n, c.referenceSample.n, c.mannWhitney!.method);
  // Holm rejects nothing unless some p reaches alpha / m, and nothing above alpha; Bonferroni needs alpha / m each.
  const holmCanStart = tested.some((c) => floorOf(c) <= opts.alpha / Math.max(1, m));
  const unreachable = (floor: number) => (opts.correction === 'holm' ? floor > opts.alpha || !holmCanStart : floor > opts.alpha / Math.max(1, m));
  const bound = opts.correction === 'holm' ? `alpha / ${m} for the first of ${m} Holm steps and alpha for the last` : `${opts.alpha} / ${m} (Bonferroni over ${m} comparisons)`;
  for (const c of base) {
    if (c.verdict === 'no reference') continue;
    const n1 = c.sample.n;
    const n2 = c.referenceSample.n;
    if (n1 < MIN_SAMPLE || n2 < MIN_SAMPLE) {
      c.verdict = 'too few samples';
      c.note = `${n1} vs ${n2} values: at least ${MIN_SAMPLE} per binding are needed for a verdict`;
      continue;
    }
    if (!c.mannWhitney || Number.isNaN(c.mannWhitney.pvalue)) {
      c.verdict = 'no significant difference';
      c.note = 'all values are equal: the test has nothing to rank';
      continue;
    }
    const floor = floorOf(c);
    if (unreachable(floor)) {
      c.verdict = 'too few samples';
      c.note = `${n1} vs ${n2} values: even complete separation gives p = ${floor.toPrecision(3)} (${c.mannWhitney.method}), which cannot pass ${bound}`;
      continue;
    }
    if (!c.significant) {
      c.verdict = 'no significant difference';
      continue;
    }
    const larger = (c.sample.median ?? 0) > (c.referenceSample.median ?? 0) || ((c.sample.median ?? 0) === (c.referenceSample.median ?? 0) && (c.cliffsDelta?.delta ?? 0) > 0);
    c.verdict = direction === 'time' ? (larger ? 'slower' : 'faster') : larger ? 'higher' : 'lower';
  }
  return base;
}
