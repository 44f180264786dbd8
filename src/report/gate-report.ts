/**
 * The regression gate's verdicts (src/analysis/compare-sides.ts) as the three forms CI systems read: Markdown (a job
 * summary), JSON (every number), and JUnit XML (one test case per row: a regression fails, an inconclusive row is
 * skipped, the rest pass). Rendering only: every verdict comes from the analysis.
 */
import type { GateResult, GateRow } from '../analysis/compare-sides.js';
import type { Calibration } from '../analysis/calibration.js';
import { DASH, formatP } from './format.js';
import { renderMarkdownTable, type Table } from './table-model.js';
import { renderGatePage } from './html/gate-section.js';

export type GateFormat = 'markdown' | 'json' | 'junit' | 'html';
export const GATE_FORMATS: readonly GateFormat[] = ['markdown', 'json', 'junit', 'html'];

const value = (r: GateRow, side: 'baseline' | 'candidate'): string => {
  const s = r[side];
  if (r.quantity === 'reproduction') return s.mean === null ? DASH : `${(s.mean * 100).toFixed(0)} % of ${s.n}`;
  if (s.median === null) return DASH;
  // A curve row's sides show their seed noise (the distance the candidate's same-seed curves are held to).
  if (r.quantity === 'curve distance') return `noise ${s.median.toFixed(3)} (n ${s.n})`;
  const v = r.quantity === 'final test accuracy' ? s.median.toFixed(4) : `${s.median.toPrecision(4)} s`;
  return `${v} (n ${s.n})`;
};

function what(r: GateRow): string {
  return r.source ? `${r.binding} loading ${r.source}'s model (${r.loadMode})` : r.binding;
}

export function gateTable(result: GateResult): Table {
  return {
    columns: [
      { label: 'verdict' },
      { label: 'quantity' },
      { label: 'model' },
      { label: 'device' },
      { label: 'style' },
      { label: 'binding' },
      { label: result.baseline },
      { label: result.candidate },
      { label: 'candidate / baseline', numeric: true },
      { label: '95% interval' },
      { label: 'p (Holm)', numeric: true },
      { label: "Cliff's δ", numeric: true },
      { label: 'why' },
    ],
    rows: result.rows.map((r) => ({
      cells: [
        r.verdict === 'regression' ? '**regression**' : r.verdict,
        r.quantity,
        r.model,
        r.device,
        r.style,
        what(r),
        value(r, 'baseline'),
        value(r, 'candidate'),
        r.ratio === null ? DASH : `${r.ratio.toFixed(3)}x`,
        r.interval ? `${r.interval[0].toFixed(3)}-${r.interval[1].toFixed(3)}x` : DASH,
        r.adjustedP === null ? DASH : formatP(r.adjustedP),
        r.cliffsDelta === null ? DASH : r.cliffsDelta.toFixed(2),
        r.reason,
      ],
    })),
    empty: 'Nothing in common to compare.',
  };
}

/** The counts and the rules, in one sentence (`bold` wraps the regression count, as Markdown wants it). */
export function gateHeadline(result: GateResult, bold: (s: string) => string = (s) => s): string {
  const c = result.counts;
  const headline = c.regression ? bold(`${c.regression} regression${c.regression === 1 ? '' : 's'}`) : 'no regression';
  return `${headline}; ${c.improvement} improvement(s), ${c['no change']} no change, ${c.inconclusive} inconclusive. Two-sided Mann-Whitney U, Holm over every tested row (alpha ${result.options.alpha}); a time counts only beyond ${(result.options.maxSlowdown * 100).toFixed(1)} %; a lost reproduction always counts; training curves are held to each side's seed noise.`;
}

export function renderGateMarkdown(result: GateResult): string {
  return [
    `# bindbench compare: ${result.candidate} against ${result.baseline}`,
    '',
    `${gateHeadline(result, (s) => `**${s}**`)} Definitions: docs/regression-gate.md.`,
    '',
    renderMarkdownTable(gateTable(result)),
    '',
    ...(result.calibrations ?? []).map(renderCalibrationMarkdown),
  ].join('\n');
}

export function renderGateJson(result: GateResult): string {
  return JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** JUnit XML as Jenkins, GitLab and GitHub's test reporters read it: one suite per model × device. */
export function renderGateJunit(result: GateResult): string {
  const suites = new Map<string, GateRow[]>();
  for (const r of result.rows) suites.set(`${r.model} ${r.device}`, [...(suites.get(`${r.model} ${r.device}`) ?? []), r]);
  const count = (rows: GateRow[], v: GateRow['verdict']) => rows.filter((r) => r.verdict === v).length;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites name="${xml(`bindbench compare ${result.candidate} against ${result.baseline}`)}" tests="${result.rows.length}" failures="${result.counts.regression}" errors="0" time="0">`);
  for (const [name, rows] of suites) {
    lines.push(`  <testsuite name="${xml(name)}" tests="${rows.length}" failures="${count(rows, 'regression')}" errors="0" skipped="${count(rows, 'inconclusive')}" time="0">`);
    for (const r of rows) {
      const open = `    <testcase classname="${xml(`bindbench.${r.model}.${r.device}.${r.style}`)}" name="${xml(`${what(r)}: ${r.quantity}`)}" time="0"`;
      const numbers = `${result.baseline}: ${value(r, 'baseline')}; ${result.candidate}: ${value(r, 'candidate')}; ${r.reason}`;
      if (r.verdict === 'regression') lines.push(`${open}>`, `      <failure message="${xml(`regression: ${r.reason}`)}" type="regression">${xml(numbers)}</failure>`, '    </testcase>');
      else if (r.verdict === 'inconclusive') lines.push(`${open}>`, `      <skipped message="${xml(`inconclusive: ${r.reason}`)}"/>`, '    </testcase>');
      else lines.push(`${open}>`, `      <system-out>${xml(`${r.verdict}: ${numbers}`)}</system-out>`, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

export function renderGate(result: GateResult, format: GateFormat): string {
  return format === 'json' ? renderGateJson(result) : format === 'junit' ? renderGateJunit(result) : format === 'html' ? renderGatePage(result) : renderGateMarkdown(result);
}

/** One stored A/A calibration: per quantity, the false-alarm rate the gate showed when nothing had changed. */
export function renderCalibrationMarkdown(c: Calibration): string {
  const table: Table = {
    columns: [{ label: 'quantity' }, { label: 'A/A pairs', numeric: true }, { label: 'false alarms', numeric: true }, { label: 'rate', numeric: true }, { label: '95% Wilson interval' }, { label: `--max-slowdown for rate <= ${c.options.alpha}` }],
    rows: c.rows.map((r) => ({
      cells: [
        r.quantity,
        String(r.pairs),
        String(r.falseAlarms),
        `${(r.rate * 100).toFixed(1)} %`,
        `${(r.interval[0] * 100).toFixed(1)}-${(r.interval[1] * 100).toFixed(1)} %`,
        r.thresholdForAlpha === null ? DASH : `${(r.thresholdForAlpha * 100).toFixed(1)} %`,
      ],
    })),
    empty: 'No pair compared anything.',
  };
  return [
    `Calibration of ${c.binding} ${c.model} (${c.device}, ${c.style}), ${c.created.slice(0, 10)}: ${c.pairs.length} A/A pairs at alpha ${c.options.alpha}, --max-slowdown ${c.options.maxSlowdown}.`,
    '',
    renderMarkdownTable(table),
    '',
  ].join('\n');
}
