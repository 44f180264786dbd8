/**
 * Families and references, computed in one place for every table and figure. A family is the set of runs compared
 * with one reference binding:
 * - a training run belongs to its binding's framework;
 * - an infer run belongs to the framework its model came from, since a neutral runtime (one whose bindings run any
 *   framework's exports) serves both frameworks;
 * - an infer run in another framework's binding (a cross-framework load) forms `<source>→<target>`, compared with
 *   the target framework's reference loading the same model;
 * - for times, the loads of a framework-neutral export (the protocol's load-mode table) form `<family>+<mode>`:
 *   they time a runtime, not the binding, so pooling them with the binding's native loads would blur both.
 */
import type { FrameworkFacts } from '../bindings/index.js';
import { isNeutralExport } from '../protocol/load-modes.js';
import type { RunRecord } from '../store/queries.js';

export interface RunFamily {
  /** What accuracy, reproduction and training time are grouped by (and shown as the `framework` of a table). */
  family: string;
  /** What inference time is grouped by. */
  timingFamily: string;
  /** The framework whose reference binding the family is compared with. */
  referenceFramework: string;
  /** That reference binding. */
  reference: string;
}

export type FamilyFacts = Pick<RunRecord, 'mode' | 'framework' | 'sourceFramework' | 'loadMode'>;

export function familyOf(run: FamilyFacts, facts: FrameworkFacts): RunFamily {
  let family = run.framework;
  let referenceFramework = run.framework;
  if (run.mode === 'infer' && run.sourceFramework !== null) {
    if (run.sourceFramework === run.framework || facts.isNeutral(run.framework)) {
      family = referenceFramework = run.sourceFramework;
    } else {
      family = `${run.sourceFramework}→${run.framework}`;
    }
  }
  const timingFamily = inNeutralTimingFamily(run) ? `${family}+${run.loadMode}` : family;
  return { family, timingFamily, referenceFramework, reference: facts.referenceOf(referenceFramework) };
}

/** Whether a run's time is in a neutral-export family (listed after the binding families in RQ4). */
export function inNeutralTimingFamily(run: FamilyFacts): boolean {
  return run.mode === 'infer' && isNeutralExport(run.loadMode);
}
