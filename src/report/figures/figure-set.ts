/** Every figure of one campaign, as specs: the report page, the run browser and `--figures` all take this list. */
import { accuracyBandSpec, accuracyBestSpec, accuracyGroups } from './accuracy-curves.js';
import { slug, type FigureDef } from './figure.js';
import type { CampaignRuns, ReportRun } from '../campaign-runs.js';
import { reproductionCells, reproductionSpec } from './reproduction-matrix.js';
import { inferenceTimeGroups, inferenceTimeSpec, memoryGroups, memorySpec, trainingTimeGroups, trainingTimeSpec } from './time-boxplots.js';

/**
 * The campaign's bindings in one fixed order (per framework, its reference first, then alphabetically): the colour
 * domain and axis order of every figure, so a binding keeps its colour and place throughout a report.
 */
export function bindingOrder(runs: readonly ReportRun[]): string[] {
  const frameworkOf = new Map(runs.map((r) => [r.binding, r.framework]));
  const references = new Set(runs.map((r) => r.family.reference));
  const rank = (b: string) => (references.has(b) ? 0 : 1);
  return [...frameworkOf.keys()].sort((a, b) => frameworkOf.get(a)!.localeCompare(frameworkOf.get(b)!) || rank(a) - rank(b) || a.localeCompare(b));
}

/** Minimal figures keep the ids they had before the style axis (links into older reports stay valid). */
const styleSlug = (style: string): string[] => (style === 'minimal' ? [] : [style]);

export function campaignFigures(c: CampaignRuns): FigureDef[] {
  const order = bindingOrder(c.runs);
  const out: FigureDef[] = [];
  for (const g of accuracyGroups(c.runs, c.epochs, order)) {
    const tags = { framework: g.framework, model: g.model, device: g.device };
    out.push({ id: slug(c.id, 'accuracy-best', g.framework, g.model, g.device, ...styleSlug(g.style)), kind: 'accuracy-best', title: `${g.framework} ${g.model} (${g.device}, ${g.style}): accuracy per epoch, best run per binding`, tags, spec: accuracyBestSpec(g, order) });
    out.push({ id: slug(c.id, 'accuracy-band', g.framework, g.model, g.device, ...styleSlug(g.style)), kind: 'accuracy-band', title: `${g.framework} ${g.model} (${g.device}, ${g.style}): accuracy per epoch, all runs`, tags, spec: accuracyBandSpec(g, order) });
  }
  const cells = reproductionCells(c.runs);
  for (const device of [...new Set(cells.map((x) => x.device))].sort()) {
    out.push({ id: slug(c.id, 'reproduction', device), kind: 'reproduction', title: `Cross-binding reproduction (${device})`, tags: { device }, spec: reproductionSpec(device, cells, order) });
  }
  for (const g of trainingTimeGroups(c.runs, order)) {
    const device = g.devices[0]!;
    out.push({ id: slug(c.id, 'training-time', g.framework, g.model, device, ...styleSlug(g.style)), kind: 'training-time', title: `${g.framework} ${g.model} (${device}, ${g.style}): training time`, tags: { framework: g.framework, model: g.model, device }, spec: trainingTimeSpec(g, order) });
  }
  for (const g of memoryGroups(c.runs, order)) {
    const device = g.devices[0]!;
    out.push({ id: slug(c.id, 'memory', g.model, device, ...styleSlug(g.style)), kind: 'memory', title: `${g.model} (${device}, ${g.style}): peak memory in training`, tags: { model: g.model, device }, spec: memorySpec(g, order) });
  }
  for (const g of inferenceTimeGroups(c.runs, order)) {
    out.push({ id: slug(c.id, 'inference-time', g.framework, g.model, ...styleSlug(g.style)), kind: 'inference-time', title: `${g.framework} ${g.model} (models trained ${g.style}): inference time`, tags: { framework: g.framework, model: g.model }, spec: inferenceTimeSpec(g, order) });
  }
  return out;
}
