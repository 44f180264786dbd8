/**
 * The exact `bindbench run` command that reproduces one cell of a campaign, derived from the campaign's resolved
 * spec (campaign.json) and the cell. A cross-binding inference cell needs its source model, so its command trains
 * the source too (and, since the planner trains every binding it is given, the target as well).
 */
import { presets } from '../../campaign/presets.js';
import type { CampaignSpec } from '../../campaign/spec.js';

export interface CellToReproduce {
  campaign: string;
  cellKey: string;
  model: string;
  binding: string;
  seed: number;
  device: string;
  style: string;
  mode: 'train' | 'infer' | 'convert';
  sourceBinding: string | null;
  loadMode: string | null;
}

export interface ReproduceCommand {
  /** null when no bindbench command can reproduce the cell (e.g. imported results). */
  command: string | null;
  /** What the command cannot express, or why there is none. */
  note: string | null;
}

/** POSIX shell quoting: plain words stay as they are. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A spec written by `bindbench run` (an imported campaign stores a description of its import instead). */
export function isCampaignSpec(spec: unknown): spec is CampaignSpec {
  const s = spec as Partial<CampaignSpec> | null;
  return Boolean(s && typeof s === 'object' && typeof s.preset === 'string' && Array.isArray(s.seeds) && Array.isArray(s.models) && s.overrides && typeof s.overrides === 'object');
}

export function reproduceCommand(spec: unknown, cell: CellToReproduce): ReproduceCommand {
  if (!isCampaignSpec(spec)) {
    const importer = (spec as { importer?: unknown } | null)?.importer;
    return { command: null, note: typeof importer === 'string' ? `imported by the ${importer} importer: these results were not produced by bindbench, so no bindbench command reruns them` : "campaign.json holds no bindbench run spec, so the command cannot be derived" };
  }
  const notes: string[] = [];
  const flags: Array<[string, string | number]> = [
    ['--name', `rerun-${cell.cellKey}`],
    ['--preset', spec.preset],
    ['--models', cell.model],
  ];
  // A convert cell exists for the serialization cells of another framework's bindings; planning those replans it.
  const loadMode = cell.mode === 'convert' ? 'serialization' : cell.loadMode;
  if (cell.mode !== 'train') {
    if (!cell.sourceBinding || !loadMode) return { command: null, note: 'the run records no source binding or load mode, so its inference cell cannot be planned again' };
    flags.push(['--bindings', [...new Set([cell.sourceBinding, cell.binding])].join(',')]);
  } else {
    flags.push(['--bindings', cell.binding]);
  }
  flags.push(['--seeds', cell.seed], ['--devices', cell.device], ['--styles', cell.style], ['--data-order', spec.data_order], ['--init', spec.init]);
  // Said only where it differs from what the preset would give, as the bare determinism flag below.
  if ((spec.layer_defaults ?? 'zoo') !== (presets[spec.preset]?.defaults?.layer_defaults ?? 'zoo')) flags.push(['--layer-defaults', spec.layer_defaults ?? 'zoo']);
  const o = spec.overrides;
  if (o.epochs !== undefined) flags.push(['--epochs', o.epochs]);
  if (o.batch_size !== undefined) flags.push(['--batch-size', o.batch_size]);
  if (o.learning_rate !== undefined) flags.push(['--learning-rate', o.learning_rate]);
  if (o.train_limit !== undefined && o.train_limit !== null) flags.push(['--train-limit', o.train_limit]);
  if (o.train_limit === null) notes.push('the campaign trained on every training example (train_limit: null), which no flag can say: add `--spec` with a file holding `train_limit: null`');
  if (spec.data_dir) flags.push(['--data-dir', spec.data_dir]);
  if (spec.record_step_losses > 0) flags.push(['--record-step-losses', spec.record_step_losses]);
  if (spec.timeout_seconds !== presets[spec.preset]?.timeoutSeconds) flags.push(['--timeout', spec.timeout_seconds]);
  // One cell alone has no neighbours: pinned to the cores it had, its time is comparable, not equal, to its parallel one.
  if ((spec.parallel ?? 1) > 1 || spec.cores_per_cell) {
    if (spec.cores_per_cell) flags.push(['--cores-per-cell', spec.cores_per_cell]);
    if ((spec.parallel ?? 1) > 1) notes.push(`the campaign ran ${spec.parallel} cells at once${spec.cores_per_cell ? '' : ', each on an equal share of the CPUs'}; this cell alone runs without neighbours`);
  }
  if (spec.executor === 'slurm') notes.push('the campaign ran on a Slurm cluster; this command runs the cell on this machine (add --executor slurm and the cluster flags to run it there)');
  if (cell.mode !== 'train') {
    flags.push(['--experiments', 'train,infer'], ['--infer-sources', cell.sourceBinding!], ['--infer-modes', loadMode!], ['--infer-seeds', cell.seed], ['--inference-repetitions', spec.inference_repetitions]);
    if (cell.sourceBinding !== cell.binding) notes.push(`trains ${cell.sourceBinding} (the source model) and also ${cell.binding}, since a campaign trains every binding it names`);
  }
  // A bare flag: --deterministic or --no-deterministic, said only when it differs from the preset's own.
  const deterministic = spec.deterministic ?? true;
  const presetDeterministic = presets[spec.preset]?.defaults?.deterministic ?? true;
  const command = ['bindbench run', ...flags.map(([flag, value]) => `${flag} ${shellQuote(String(value))}`), ...(deterministic === presetDeterministic ? [] : [deterministic ? '--deterministic' : '--no-deterministic'])].join(' ');
  return { command, note: notes.length ? notes.join('; ') : null };
}
