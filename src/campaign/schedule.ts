/**
 * The campaign's schedule: how many cells run at once and on which CPUs. The default is the study's: one cell at a
 * time with every core and each framework's own thread pools. Parallel cells each get a disjoint set of cores (the
 * runner's whole process tree pinned to them) and thread pools sized to those cores, so they do not fight over cores.
 */
import { BadInputError } from '../base/errors.js';
import { formatCpuList } from '../base/cpus.js';
import type { RunSchedule } from '../store/result-store.js';

export interface ScheduleSettings {
  /** Cells at once (default 1). */
  parallel: number;
  /** Cores each cell is pinned to; null: every core when serial, an equal share of the CPUs when parallel. */
  coresPerCell: number | null;
}

/** One place a cell can run: its CPUs and thread count (null: not pinned, the frameworks' defaults). */
export interface Slot {
  index: number;
  cpus: number[] | null;
  threads: number | null;
}

/** The slots for a schedule on these CPUs; a schedule the machine cannot hold is refused, naming what it has. */
export function planSlots(settings: ScheduleSettings, cpus: readonly number[]): Slot[] {
  const { parallel, coresPerCell } = settings;
  if (!Number.isInteger(parallel) || parallel < 1) throw new BadInputError(`parallel: ${parallel} is not a whole number of cells of at least 1`);
  if (coresPerCell !== null && (!Number.isInteger(coresPerCell) || coresPerCell < 1)) throw new BadInputError(`cores_per_cell: ${coresPerCell} is not a whole number of cores of at least 1`);
  if (parallel === 1 && coresPerCell === null) return [{ index: 0, cpus: null, threads: null }];
  const each = coresPerCell ?? Math.floor(cpus.length / parallel);
  if (each < 1 || parallel * each > cpus.length) {
    throw new BadInputError(
      `${parallel} cell(s) at once on ${coresPerCell ?? 'at least 1'} core(s) each need ${parallel * Math.max(1, each)} CPUs, but this process may use ${cpus.length} (${formatCpuList(cpus)}): lower --parallel or --cores-per-cell`,
    );
  }
  return Array.from({ length: parallel }, (_, i) => {
    const mine = cpus.slice(i * each, (i + 1) * each);
    return { index: i, cpus: mine, threads: mine.length };
  });
}

/** What a run records of the slot it ran in. A cuda cell beside others sees one GPU: its slot's. */
export function runSchedule(slot: Slot, parallel: number, device: 'cpu' | 'cuda'): RunSchedule {
  return { parallel, cpus: slot.cpus, threads: slot.threads, gpu: device === 'cuda' && parallel > 1 ? String(slot.index) : null };
}
