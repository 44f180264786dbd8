/**
 * The attribution ladder as a figure: per explained difference, the effect on each rung (accuracy difference or time
 * ratio against the reference) with its bootstrap interval, coloured by the rung's verdict, against the line of no
 * difference. The rung at which the points reach the line names the cause.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Attribution } from '../../analysis/ladder.js';
import { ladderTitle } from '../ladder-tables.js';
import { FIGURE_CONFIG, slug, VEGA_LITE_SCHEMA, type FigureDef } from './figure.js';

const STATES = ['differs', 'reversed', 'same', 'too few runs'];
const STATE_COLORS = ['#e45756', '#f58518', '#54a24b', '#bab0ac'];

export function ladderSpec(a: Attribution): TopLevelSpec {
  const time = a.difference.quantity === 'training time';
  const rows = a.rungs
    .filter((r) => r.effect !== null)
    .map((r) => ({ rung: r.rung, effect: r.effect, low: r.interval?.[0] ?? r.effect, high: r.interval?.[1] ?? r.effect, state: r.state }));
  const x = { field: 'rung', type: 'nominal' as const, title: null, sort: a.rungs.map((r) => r.rung), axis: { labelAngle: -20, labelLimit: 160 } };
  const yTitle = time ? `training time / ${a.difference.reference}` : `final test accuracy − ${a.difference.reference}`;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: ladderTitle(a), subtitle: [`cause: ${a.cause}`, `bars: 95 % paired bootstrap interval of the ${time ? 'ratio' : 'difference'} of the medians`] },
    width: { step: 90 },
    height: 200,
    layer: [
      { data: { values: [{ none: time ? 1 : 0 }] }, mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { y: { field: 'none', type: 'quantitative' } } },
      { data: { values: rows }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, y: { field: 'low', type: 'quantitative', title: yTitle, scale: { zero: false } }, y2: { field: 'high' }, color: { field: 'state', type: 'nominal', title: 'difference', scale: { domain: STATES, range: STATE_COLORS } } } },
      { data: { values: rows }, mark: { type: 'point', filled: true, size: 70 }, encoding: { x, y: { field: 'effect', type: 'quantitative' }, color: { field: 'state', type: 'nominal', title: 'difference', scale: { domain: STATES, range: STATE_COLORS } } } },
    ],
    config: FIGURE_CONFIG,
  };
}

/** One figure per explained difference of a campaign. */
export function ladderFigures(campaign: string, attributions: readonly Attribution[]): FigureDef[] {
  return attributions.map((a) => {
    const d = a.difference;
    return { id: slug(campaign, 'ladder', d.binding, d.model, d.device, d.quantity), kind: 'ladder' as const, title: ladderTitle(a), tags: { framework: d.framework, model: d.model, device: d.device }, spec: ladderSpec(a) };
  });
}
