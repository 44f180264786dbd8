/**
 * Which version of its framework's native core each binding ran (libtorch, libtensorflow, from the runners' start
 * events), and the caveat beside a verdict between a binding and a reference that ran different ones: a Java binding
 * on libtorch 2.7.1 against torch 2.11 measures the binding and the core's version together.
 */
import type { AnalysisWarning } from './analysis-warning.js';
import type { RunRecord } from './campaign-data.js';
import type { Comparison } from './compare-to-reference.js';

/** `libtorch 2.7.1` per binding, over its runs that recorded one (sorted; normally one). */
export function coreVersionsByBinding(runs: readonly RunRecord[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const r of runs) {
    if (r.status !== 'ok' || !r.coreLibrary || !r.coreVersion) continue;
    out.set(r.binding, (out.get(r.binding) ?? new Set()).add(`${r.coreLibrary} ${r.coreVersion}`));
  }
  return new Map([...out].map(([b, s]) => [b, [...s].sort()]));
}

/** A build's local suffix (`+cu130`) names how the same release was built, not another release. */
const release = (label: string) => label.split(' ').at(-1)!.split('+')[0]!;

/** The two sides' core versions when they differ; null when they match or either side recorded none. */
export function coreVersionPair(binding: string, reference: string, versions: ReadonlyMap<string, string[]>): Comparison['coreVersions'] {
  const a = versions.get(binding);
  const b = versions.get(reference);
  if (!a?.length || !b?.length) return null;
  const same = a.length === 1 && b.length === 1 && release(a[0]!) === release(b[0]!);
  return same ? null : { binding: a.join(', '), reference: b.join(', ') };
}

export function withCoreVersions(comparisons: readonly Comparison[], versions: ReadonlyMap<string, string[]>): Comparison[] {
  return comparisons.map((c) => ({ ...c, coreVersions: c.binding === c.reference ? null : coreVersionPair(c.binding, c.reference, versions) }));
}

/** One warning per binding whose core differs from its reference's, naming both. */
export function coreVersionWarnings(pairs: ReadonlyArray<{ binding: string; reference: string }>, versions: ReadonlyMap<string, string[]>): AnalysisWarning[] {
  const seen = new Set<string>();
  const out: AnalysisWarning[] = [];
  for (const { binding, reference } of pairs) {
    const key = `${binding}\u0000${reference}`;
    if (binding === reference || seen.has(key)) continue;
    seen.add(key);
    const pair = coreVersionPair(binding, reference, versions);
    if (!pair) continue;
    out.push({
      code: 'core-versions-differ',
      scope: `${binding} vs ${reference}`,
      message: `${binding} ran ${pair.binding} and ${reference} ran ${pair.reference}: a difference between them may come from the core library's version as well as from the binding`,
      action: 'read those verdicts with this in mind, or compare with a reference on the same core version (`bindbench doctor` lists the versions each binding can install)',
    });
  }
  return out;
}
