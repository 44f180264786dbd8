/** `bindbench run`: flags or a spec file -> campaign -> per-binding table. */
import type { Command } from 'commander';
import { bindingIdsWithVersions, campaignBindings } from '../bindings/index.js';
import { readCampaignSpec, runCampaign } from '../campaign/run-campaign.js';
import { readSpecFile, resolveSpec } from '../campaign/spec.js';
import { CampaignFailedError } from '../base/errors.js';
import { summarizeInference, summarizeTraining } from '../analysis/campaign-summary.js';
import { renderCampaignSummary, renderInferenceSummary } from '../report/campaign-summary.js';
import { ResultStore } from '../store/result-store.js';
import { commaList, homeOf, intList, positiveInt, positiveNumber } from './common.js';
import { emit } from './output.js';
import { progressPrinter } from './progress.js';

/** Flags that are fields of the spec's `slurm` settings, by the flag's camel-case name. */
const SLURM_FLAGS: Record<string, string> = { partition: 'partition', account: 'account', qos: 'qos', sbatchArg: 'sbatch_args', maxParallel: 'max_parallel', gres: 'gres', requeue: 'requeue' };

/** Flags of the command itself, not fields of the spec. */
const RUN_ONLY_FLAGS = new Set(['spec', 'resume', 'dryRun', 'json', ...Object.keys(SLURM_FLAGS)]);

/** A comma list, or the one word that stands for a whole set (`installed`, `reference`). */
const listOr = (word: string) => (value: string) => (value === word ? word : commaList(value));

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a campaign: models × bindings × seeds × devices, each cell in its own process')
    .option('--spec <file>', 'campaign spec (YAML or JSON); flags override its fields')
    .option('--preset <id>', "hyper-parameter preset: quick (default), quick-all (every model, briefly), paper (the study's protocol) or controlled (the paper's settings with every binding given the same inputs)")
    .option('--name <id>', 'campaign id (default: <preset>-<timestamp>)')
    .option('--models <ids>', 'comma-separated model ids (default: the preset\'s)', commaList)
    .option('--bindings <ids>', "comma-separated binding ids, or 'installed' (default)", listOr('installed'))
    .option('--seeds <list>', "comma-separated seeds (default: the preset's, else the study's five)", intList('--seeds'))
    .option('--devices <list>', 'cpu and/or cuda (default: cpu)', commaList)
    .option('--data-order <order>', "shared (default), native, natural (the dataset's order every epoch) or study (what the study's script for each binding did)")
    .option('--styles <list>', "minimal (bindbench's training loop) and/or idiomatic (each binding's own training API); default: the preset's, else minimal", commaList)
    .option('--init <init>', 'native (default) or shared')
    .option('--deterministic', "the frameworks' deterministic kernels on (default, except in the paper preset)")
    .option('--no-deterministic', "the frameworks' deterministic kernels off, as the study ran")
    .option('--layer-defaults <mode>', "batch-norm and recurrent-gate settings: zoo (as the zoo writes them; default), native (each binding's own, as the study), aligned (Keras's everywhere)")
    .option('--data-dir <dir>', "folder with the dataset's raw files instead of the bundled copy")
    .option('--epochs <n>', 'override the preset\'s epochs', positiveNumber('--epochs'))
    .option('--batch-size <n>', 'override the preset\'s batch size', positiveNumber('--batch-size'))
    .option('--learning-rate <x>', 'override the preset\'s learning rate', positiveNumber('--learning-rate'))
    .option('--train-limit <n>', 'use the first n training examples', positiveNumber('--train-limit'))
    .option('--eval-batch-size <n>', "batch size of the per-epoch accuracy evaluations (default: the preset's)", positiveNumber('--eval-batch-size'))
    .option('--test-every <k>', "evaluate the test set after every k-th epoch and the last (default: the preset's, else 1: every epoch)", positiveNumber('--test-every'))
    .option('--timeout <seconds>', 'per-cell timeout', positiveNumber('--timeout'))
    .option('--parallel <n>', 'cells to run at once, each pinned to its own cores with its thread pools sized to them (default 1: one at a time with every core, as the study timed; times of different schedules are never compared)', positiveInt('--parallel'))
    .option('--cores-per-cell <n>', 'cores each cell is pinned to (default: an equal share of the CPUs when --parallel is above 1, else every core unpinned)', positiveInt('--cores-per-cell'))
    .option('--executor <where>', 'local (default: this machine) or slurm (each wave of cells as one Slurm job array; docs/cluster.md)')
    .option('--partition <name>', 'slurm: the partition to submit to')
    .option('--account <name>', 'slurm: the account to charge')
    .option('--qos <name>', 'slurm: the quality of service')
    .option('--sbatch-arg <arg>', 'slurm: one more sbatch argument, as written (repeatable), e.g. --sbatch-arg=--constraint=a100', (v: string, prev: string[] = []) => [...prev, v])
    .option('--max-parallel <n>', 'slurm: array tasks at once (default 8)', positiveInt('--max-parallel'))
    .option('--gres <gres>', 'slurm: what a cuda cell asks for (default gpu:1)')
    .option('--requeue', 'slurm: let Slurm requeue a task whose node failed, instead of failing its cell')
    .option('--record-step-losses <n>', 'record the loss of the first n optimiser steps', positiveNumber('--record-step-losses'))
    .option('--experiments <list>', "train and/or infer: load every trained source model in every binding (default: the preset's, else train)", commaList)
    .option('--infer-sources <ids>', "bindings whose models the infer experiment loads: 'reference' (default, the Python ones) or ids", listOr('reference'))
    .option('--infer-modes <list>', 'states, serialization, savedmodel (a SavedModel where serialization loads another format: tfjs), onnx (default: all)', commaList)
    .option('--infer-seeds <list>', "seeds whose trained models the infer experiment loads: 'all' (default) or a list", (v: string) => (v === 'all' ? 'all' : intList('--infer-seeds')(v)))
    .option('--infer-cross-framework <when>', "also load a source's model in the other framework's bindings, converted by that framework's reference binding: untrained (default: models that framework does not train here, e.g. BERT), always, never")
    .option('--inference-repetitions <n>', "timed passes over the test set per infer cell (default: the preset's, else 5)", positiveNumber('--inference-repetitions'))
    .option('--resume <campaign>', 'rerun only the cells of this campaign without a complete result')
    .option('--dry-run', 'print the resolved spec and the cells, run nothing')
    .option('--json', 'print the outcome as JSON')
    .action(async (o, cmd: Command) => {
      const home = homeOf(cmd);
      const ids = bindingIdsWithVersions();
      let spec;
      if (o.resume) {
        spec = readCampaignSpec(home, o.resume);
      } else {
        const written: Record<string, unknown> = o.spec ? { ...(readSpecFile(o.spec) as object) } : {};
        // A flag is its spec field in kebab case (`--data-order` is `data_order`); only `--timeout` is named otherwise.
        for (const [key, value] of Object.entries(o)) {
          if (value === undefined || RUN_ONLY_FLAGS.has(key)) continue;
          written[key === 'timeout' ? 'timeout_seconds' : key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
        }
        for (const [flag, field] of Object.entries(SLURM_FLAGS)) {
          if (o[flag] !== undefined) written.slurm = { ...(written.slurm as object | undefined), [field]: o[flag] };
        }
        spec = resolveSpec(written, ids);
      }
      const outcome = await runCampaign({
        home,
        spec,
        bindings: campaignBindings(spec.bindings),
        id: o.resume,
        resume: Boolean(o.resume),
        dryRun: Boolean(o.dryRun),
        onEvent: o.json ? undefined : progressPrinter(),
      });
      if (o.dryRun) {
        emit({ data: { campaign: outcome.id, spec, cells: outcome.cells }, text: '' }, true);
        return;
      }
      if (outcome.unindexed) process.stderr.write(`warning: ${outcome.unindexed} complete run(s) are not in the index yet: another process held it locked (they are safe on disk); run \`bindbench runs reindex\`\n`);
      const records = ResultStore.with(home.store, (store) => store.runs(outcome.id));
      const rows = summarizeTraining(records);
      const inferRows = summarizeInference(records);
      const text = [
        `\nTraining\n\n${renderCampaignSummary(rows)}\n`,
        inferRows.length ? `\nCross-binding inference (test set)\n\n${renderInferenceSummary(inferRows)}\n` : '',
        `\nresults: ${outcome.dir}\n`,
      ].join('');
      emit({ data: { campaign: outcome.id, dir: outcome.dir, failed: outcome.failed, summary: rows, inference: inferRows, results: outcome.results }, text }, o.json);
      if (outcome.failed > 0) throw new CampaignFailedError(`${outcome.failed} of ${outcome.results.length} cells failed; rerun them with \`bindbench run --resume ${outcome.id}\``);
    });
}
