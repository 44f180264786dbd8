/**
 * The campaign spec: what a user writes (`WrittenSpec`, YAML/JSON or flags) and what it resolves to (`CampaignSpec`).
 * Validation errors name the field and the allowed values.
 */
import { LOAD_MODE_IDS, type LoadMode } from '../protocol/load-modes.js';
import { TRAINING_STYLES, type DataOrder, type TrainingStyle } from '../protocol/cell.js';
import { readFileSync, existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BadInputError } from '../base/errors.js';
import { models as zooModels } from '../zoo/models.js';
import { LAYER_DEFAULTS, type LayerDefaults } from '../zoo/layer-defaults.js';
import { presets, STUDY_SEEDS } from './presets.js';
import { matchesBindingPattern } from '../bindings/versions.js';

/** A cell's data order, or `study`: the order the study's script for each binding used (the planner resolves it). */
export type CampaignDataOrder = DataOrder | 'study';

export const writtenSpecSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only').optional(),
    preset: z.string().optional(),
    models: z.array(z.string()).nonempty().optional(),
    /** Binding ids, or the word "installed" (every installed binding). */
    bindings: z.union([z.literal('installed'), z.array(z.string()).nonempty()]).optional(),
    seeds: z.array(z.number().int().nonnegative().max(2 ** 32 - 1)).nonempty().optional(),
    devices: z.array(z.enum(['cpu', 'cuda'])).nonempty().optional(),
    /** `study`: each binding in the order the study's own script for it used (natural or native). */
    data_order: z.enum(['shared', 'native', 'natural', 'study']).optional(),
    /** How each binding trains: `minimal` (bindbench's loop) and/or `idiomatic` (the binding's own training API). */
    styles: z.array(z.enum(TRAINING_STYLES as [TrainingStyle, ...TrainingStyle[]])).nonempty().optional(),
    init: z.enum(['native', 'shared']).optional(),
    /** The frameworks' deterministic kernels (default on; the `paper` preset turns them off, as the study ran). */
    deterministic: z.boolean().optional(),
    /** Batch-norm and recurrent-gate settings: as the zoo writes them, each binding's own, or Keras's everywhere. */
    layer_defaults: z.enum(LAYER_DEFAULTS as [LayerDefaults, ...LayerDefaults[]]).optional(),
    /** Folder with the dataset's raw files instead of the bundled copy. */
    data_dir: z.string().optional(),
    epochs: z.number().int().positive().optional(),
    batch_size: z.number().int().positive().optional(),
    learning_rate: z.number().positive().optional(),
    train_limit: z.number().int().positive().nullable().optional(),
    /** Batch size of the per-epoch accuracy evaluations (default: the preset's). */
    eval_batch_size: z.number().int().positive().optional(),
    /** Evaluate the test set after every k-th epoch and the last (default: the preset's, else every epoch). */
    test_every: z.number().int().positive().optional(),
    // Node's timers cannot hold more than 2^31 - 1 ms: a longer timeout would kill every cell at once.
    /** Cells run at once, each pinned to its own cores (default 1: one cell at a time with every core, as the study timed). */
    parallel: z.number().int().positive().optional(),
    /** Cores each cell is pinned to, its frameworks' thread pools sized to them (default: every core when serial, an equal share when parallel). */
    cores_per_cell: z.number().int().positive().optional(),
    /** Where cells run: `local` (default: this machine) or `slurm` (one job array per wave of cells; see docs/cluster.md). */
    executor: z.enum(['local', 'slurm']).optional(),
    slurm: z
      .object({
        partition: z.string().min(1).optional(),
        account: z.string().min(1).optional(),
        qos: z.string().min(1).optional(),
        /** More `sbatch` arguments, passed as written (e.g. `--constraint=a100`). */
        sbatch_args: z.array(z.string().min(1)).optional(),
        /** Array tasks at once (`--array=...%N`; default 8). */
        max_parallel: z.number().int().positive().optional(),
        /** What a cuda cell asks for (default `gpu:1`). */
        gres: z.string().min(1).optional(),
        /** Let Slurm requeue a task whose node failed (`--requeue`), instead of failing its cell. */
        requeue: z.boolean().optional(),
        /** How often the orchestrator asks Slurm about the array (default 2 s). */
        poll_seconds: z.number().positive().max(600).optional(),
      })
      .strict()
      .optional(),
    timeout_seconds: z.number().positive().max(2147483, 'at most 2147483 seconds (about 24.8 days), the longest timer Node can hold').optional(),
    record_step_losses: z.number().int().nonnegative().optional(),
    /** `train` trains every cell; `infer` also loads each trained model in every other binding (RQ2, RQ4). */
    experiments: z.array(z.enum(['train', 'infer'])).nonempty().optional(),
    /** Bindings whose trained models the infer experiment loads elsewhere: "reference" (the Python ones) or ids. */
    infer_sources: z.union([z.literal('reference'), z.array(z.string()).nonempty()]).optional(),
    infer_modes: z.array(z.enum(LOAD_MODE_IDS)).nonempty().optional(),
    /** Seeds whose trained models the infer experiment loads (default: every seed). */
    infer_seeds: z.union([z.literal('all'), z.array(z.number().int().nonnegative()).nonempty()]).optional(),
    /** Timed passes over the test set per inference cell (after one untimed warm-up). */
    inference_repetitions: z.number().int().positive().optional(),
    /**
     * When a source's model also goes to the bindings of the other framework (through a conversion by that
     * framework's reference binding): `untrained` (default) for models no binding of that framework in the campaign
     * trains but one can run, as the study did with BERT; `always`; `never`.
     */
    infer_cross_framework: z.enum(['untrained', 'always', 'never']).optional(),
  })
  .strict();
export type WrittenSpec = z.infer<typeof writtenSpecSchema>;

export interface CampaignSpec {
  name: string | null;
  preset: string;
  models: string[];
  bindings: 'installed' | string[];
  seeds: number[];
  devices: Array<'cpu' | 'cuda'>;
  data_order: CampaignDataOrder;
  /** Absent in campaigns planned before it existed: read as `['minimal']`. */
  styles?: TrainingStyle[];
  init: 'native' | 'shared';
  /** Absent in campaigns planned before it existed: read as true. */
  deterministic?: boolean;
  /** Absent in campaigns planned before it existed: read as `zoo`. */
  layer_defaults?: LayerDefaults;
  data_dir: string | null;
  overrides: { epochs?: number; batch_size?: number; learning_rate?: number; train_limit?: number | null; eval_batch_size?: number; test_every?: number };
  timeout_seconds: number;
  /** Absent in campaigns planned before it existed: read as 1. */
  parallel?: number;
  /** Absent or null: every core when serial, an equal share of the CPUs when parallel. */
  cores_per_cell?: number | null;
  /** Absent in campaigns planned before it existed: read as `local`. */
  executor?: 'local' | 'slurm';
  /** The Slurm executor's settings (null: local). */
  slurm?: SlurmSettings | null;
  record_step_losses: number;
  experiments: Array<'train' | 'infer'>;
  infer_sources: 'reference' | string[];
  infer_modes: LoadMode[];
  infer_seeds: number[] | 'all';
  inference_repetitions: number;
  /** Absent in campaigns planned before it existed: read as `untrained`. */
  infer_cross_framework?: 'untrained' | 'always' | 'never';
}

export interface SlurmSettings {
  partition: string | null;
  account: string | null;
  qos: string | null;
  sbatch_args: string[];
  max_parallel: number;
  gres: string;
  requeue: boolean;
  poll_seconds: number;
}

function issueText(issue: z.ZodIssue): string {
  const field = issue.path.length ? issue.path.join('.') : '(spec)';
  if (issue.code === 'invalid_enum_value') return `${field}: '${String(issue.received)}' is not allowed; allowed values: ${issue.options.join(', ')}`;
  if (issue.code === 'unrecognized_keys') {
    return `${field}: unknown field(s) ${issue.keys.join(', ')}; allowed fields: ${Object.keys(writtenSpecSchema.shape).join(', ')}`;
  }
  return `${field}: ${issue.message}`;
}

/** Validates and resolves a written spec; `knownBindings` is the binding registry's ids. */
export function resolveSpec(written: unknown, knownBindings: string[]): CampaignSpec {
  if (written === null || typeof written !== 'object' || Array.isArray(written)) {
    throw new BadInputError(`invalid campaign spec: it must be a mapping of fields (name: ..., models: [...]), not ${Array.isArray(written) ? 'a list' : `a ${written === null ? 'null' : typeof written} value`}; docs/paper-campaign.md shows one`);
  }
  const parsed = writtenSpecSchema.safeParse(written);
  if (!parsed.success) throw new BadInputError(`invalid campaign spec:\n  ${parsed.error.issues.map(issueText).join('\n  ')}`);
  const w = parsed.data;
  const presetId = w.preset ?? 'quick';
  const preset = presets[presetId];
  if (!preset) throw new BadInputError(`preset: unknown preset '${presetId}'; allowed values: ${Object.keys(presets).join(', ')}`);
  const models = w.models ?? preset.models;
  for (const m of models) {
    if (!zooModels[m]) throw new BadInputError(`models: unknown model '${m}'; allowed values: ${Object.keys(zooModels).join(', ')}`);
    if (!preset.perModel[m]) throw new BadInputError(`models: preset '${presetId}' has no settings for '${m}'; it covers ${Object.keys(preset.perModel).join(', ')}`);
  }
  for (const [field, list] of [['bindings', w.bindings], ['infer_sources', w.infer_sources]] as const) {
    if (!Array.isArray(list)) continue;
    for (const b of list) {
      if (!matchesBindingPattern(b, knownBindings)) throw new BadInputError(`${field}: unknown binding '${b}'; allowed values: ${field === 'bindings' ? 'installed' : 'reference'}, ${knownBindings.join(', ')}`);
    }
  }
  if (w.data_dir !== undefined && !existsSync(w.data_dir)) throw new BadInputError(`data_dir: folder ${w.data_dir} does not exist`);
  const seeds = w.seeds ?? preset.defaults?.seeds ?? STUDY_SEEDS;
  for (const seed of Array.isArray(w.infer_seeds) ? w.infer_seeds : []) {
    if (!seeds.includes(seed)) throw new BadInputError(`infer_seeds: ${seed} is not one of the campaign's seeds`);
  }
  const overrides: CampaignSpec['overrides'] = {};
  if (w.epochs !== undefined) overrides.epochs = w.epochs;
  if (w.batch_size !== undefined) overrides.batch_size = w.batch_size;
  if (w.learning_rate !== undefined) overrides.learning_rate = w.learning_rate;
  if (w.train_limit !== undefined) overrides.train_limit = w.train_limit;
  if (w.eval_batch_size !== undefined) overrides.eval_batch_size = w.eval_batch_size;
  if (w.test_every !== undefined) overrides.test_every = w.test_every;
  return {
    name: w.name ?? null,
    preset: presetId,
    models: [...new Set(models)],
    bindings: w.bindings ?? 'installed',
    seeds: [...new Set(seeds)],
    devices: [...new Set(w.devices ?? ['cpu'])] as Array<'cpu' | 'cuda'>,
    data_order: w.data_order ?? preset.defaults?.data_order ?? 'shared',
    styles: [...new Set(w.styles ?? preset.defaults?.styles ?? (['minimal'] as const))],
    init: w.init ?? preset.defaults?.init ?? 'native',
    deterministic: w.deterministic ?? preset.defaults?.deterministic ?? true,
    layer_defaults: w.layer_defaults ?? preset.defaults?.layer_defaults ?? 'zoo',
    data_dir: w.data_dir ?? null,
    overrides,
    timeout_seconds: w.timeout_seconds ?? preset.timeoutSeconds,
    parallel: w.parallel ?? 1,
    cores_per_cell: w.cores_per_cell ?? null,
    executor: w.executor ?? 'local',
    slurm: slurmSettings(w),
    record_step_losses: w.record_step_losses ?? 0,
    experiments: [...new Set(w.experiments ?? preset.defaults?.experiments ?? (['train'] as const))],
    infer_sources: w.infer_sources ?? 'reference',
    infer_modes: [...new Set(w.infer_modes ?? LOAD_MODE_IDS)],
    inference_repetitions: w.inference_repetitions ?? preset.defaults?.inference_repetitions ?? 5,
    infer_seeds: w.infer_seeds ?? 'all',
    infer_cross_framework: w.infer_cross_framework ?? 'untrained',
  };
}

function slurmSettings(w: WrittenSpec): SlurmSettings | null {
  if ((w.executor ?? 'local') !== 'slurm') {
    if (w.slurm) throw new BadInputError('slurm: settings for the Slurm executor, but executor is local: add `executor: slurm` (--executor slurm) or drop them');
    return null;
  }
  if ((w.parallel ?? 1) > 1) throw new BadInputError('parallel: the Slurm executor runs cells as array tasks: give slurm.max_parallel (--max-parallel) instead of parallel (--parallel)');
  const s = w.slurm ?? {};
  return {
    partition: s.partition ?? null,
    account: s.account ?? null,
    qos: s.qos ?? null,
    sbatch_args: s.sbatch_args ?? [],
    max_parallel: s.max_parallel ?? 8,
    gres: s.gres ?? 'gpu:1',
    requeue: s.requeue ?? false,
    poll_seconds: s.poll_seconds ?? 2,
  };
}

/** Reads a YAML or JSON spec file (JSON is YAML). */
export function readSpecFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new BadInputError(`spec file ${path} cannot be read: check the path`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text) ?? {};
  } catch (e) {
    throw new BadInputError(`spec file ${path} is not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadInputError(`spec file ${path}: invalid campaign spec: it must be a mapping of fields (name: ..., models: [...]), not ${Array.isArray(parsed) ? 'a list' : `a ${typeof parsed} value`}; docs/paper-campaign.md shows one`);
  }
  return parsed;
}
