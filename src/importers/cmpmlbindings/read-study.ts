/**
 * Reads the study's `data/` tree into runs: one training run per framework × model × language × run index, and one
 * inference run per loaded Python model in each deploy evaluation. Every file is either used or listed as unparsed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cellKey, type Cell } from '../../protocol/cell.js';
import { BadInputError } from '../../base/errors.js';
import type { EpochEvent, InferenceEvent, RunnerEvent } from '../../protocol/events.js';
import type { Hyper } from '../../protocol/request.js';
import { runResult } from '../../store/run-dir.js';
import type { ImportedCampaign, ImportedRun, ImportedRunResult, UnparsedFile, ImporterOption } from '../importer.js';
import {
  LANGUAGE_BINDING,
  STUDY_FRAMEWORKS,
  STUDY_LANGUAGES,
  STUDY_MODELS,
  TRAINING_DEVICE,
  artifactFormatOf,
  bindingOf,
  parseDeployFileName,
  parseTimeCostFileName,
  type StudyFramework,
  type StudyLanguage,
} from './layout.js';
import {
  StudyFileError,
  parseAccuracyCurve,
  parseDeployJson,
  parseDeployText,
  parseTimeCostJson,
  parseTimeCostLabelled,
  parseTimeCostLines,
  type DeployEval,
  type TimeCost,
} from './parse-files.js';

export const IMPORTER_ID = 'cmpmlbindings';
export const STUDY_TITLE = 'Li, Rajbahadur & Bezemer, "Studying the Impact of TensorFlow and PyTorch Bindings on Machine Learning Software Quality" (TOSEM 2024), replication package asgaardlab/CmpMLBindings';

/** Files of the release this importer knows and deliberately does not turn into runs. */
const KNOWN_NON_RUN_FILES = new Set(['ABOUT.md', 'random_seeds.txt', 'README.md']);

interface Context {
  root: string;
  campaign: string;
  seeds: number[];
  imported: string;
  unparsed: UnparsedFile[];
  /** Files that went into at least one run. */
  used: Set<string>;
}

/** Parses a file, or records it as unparsed and returns null. */
function tryParse<T>(ctx: Context, rel: string, parse: (text: string) => T): T | null {
  try {
    return parse(readFileSync(join(ctx.root, rel), 'utf8'));
  } catch (e) {
    if (!(e instanceof StudyFileError)) throw e;
    ctx.unparsed.push({ file: rel, reason: e.message });
    return null;
  }
}

export function readSeeds(root: string): number[] {
  const text = readFileSync(join(root, 'random_seeds.txt'), 'utf8');
  const seeds = text.split(/\s+/).filter(Boolean).map(Number);
  // Without the seeds no run can be keyed, so this one is bad input rather than an unparsed file.
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new BadInputError(`${join(root, 'random_seeds.txt')}: expected one non-negative integer seed per line`);
  return seeds;
}

function hyperOf(model: string, epochs: number): Hyper {
  const m = STUDY_MODELS[model]!;
  // The study's losses (sparse categorical cross-entropy, binary cross-entropy for the RNNs) are both protocol
  // losses; the index reads only `epochs`.
  return { epochs, batch_size: m.batchSize, optimizer: m.optimizer, loss: m.loss as Hyper['loss'] };
}

interface TrainedRun {
  key: string;
  epochs: number;
  testAccuracy: number;
  trainAccuracy: number;
}

/**
 * TensorFlow.js has no GRU with reset_after=true, so the study trained its reset_after=false GRU (`grurb`). Its
 * notebook compared that with Python's reset_after=true `gru`; by default bindbench compares it with Python's
 * `grurb`, the same architecture (docs/methodology.md, "Re-analysing the study").
 */
export const TFJS_GRU_OPTION: ImporterOption = {
  name: 'tfjs-gru',
  description:
    "which Python GRU TensorFlow.js's GRU (reset_after=false, the study's grurb) is compared with: 'grurb' (default, the same architecture) or 'gru' (Python's reset_after=true GRU, as the study's notebook compared them)",
  values: ['grurb', 'gru'],
};

/** TensorFlow.js's runs of `grurb` filed under `gru`, where the study's notebook compared them. */
function fileTfjsGruAsNotebook(runs: ImportedRun[], campaign: string): ImportedRun[] {
  return runs.map((run) => {
    const { cell } = run.result;
    if (cell.binding !== bindingOf('tensorflow', 'ts') || cell.model !== 'grurb') return run;
    const key = `gru${cell.key.slice('grurb'.length)}`;
    return {
      ...run,
      key,
      result: {
        ...run.result,
        run_id: `${campaign}/${key}`,
        cell: { ...cell, model: 'gru', key },
        imported: { ...run.result.imported, details: { ...run.result.imported.details, study_model_folder: 'grurb', filed_under: "gru, as the study's notebook compared it (--option tfjs-gru=gru)" } },
      },
    };
  });
}

export function readStudy(root: string, campaign: string, options: Readonly<Record<string, string>> = {}): ImportedCampaign {
  const tfjsGru = options[TFJS_GRU_OPTION.name] ?? TFJS_GRU_OPTION.values[0];
  if (!TFJS_GRU_OPTION.values.includes(tfjsGru)) throw new BadInputError(`option ${TFJS_GRU_OPTION.name}: '${tfjsGru}' is not allowed; allowed values: ${TFJS_GRU_OPTION.values.join(', ')}`);
  const ctx: Context = { root, campaign, seeds: readSeeds(root), imported: new Date().toISOString(), unparsed: [], used: new Set(['random_seeds.txt']) };
  const runs: ImportedRun[] = [];
  const dataDir = join(root, 'data');
  for (const framework of listDirs(dataDir)) {
    if (!(STUDY_FRAMEWORKS as readonly string[]).includes(framework)) {
      ctx.unparsed.push({ file: `data/${framework}`, reason: `unknown framework folder (expected ${STUDY_FRAMEWORKS.join(', ')})` });
      continue;
    }
    for (const model of listDirs(join(dataDir, framework))) {
      if (!STUDY_MODELS[model]) {
        ctx.unparsed.push({ file: `data/${framework}/${model}`, reason: `unknown model folder (expected ${Object.keys(STUDY_MODELS).join(', ')})` });
        continue;
      }
      // Python first: every inference run points at the Python training run it loaded.
      const langs = listDirs(join(dataDir, framework, model));
      for (const lang of langs.filter((l) => !(STUDY_LANGUAGES as readonly string[]).includes(l))) {
        ctx.unparsed.push({ file: `data/${framework}/${model}/${lang}`, reason: `unknown language folder (expected ${STUDY_LANGUAGES.join(', ')})` });
      }
      const trained = new Map<number, TrainedRun>();
      for (const lang of STUDY_LANGUAGES.filter((l) => langs.includes(l))) {
        const fw = framework as StudyFramework;
        const dir = `data/${framework}/${model}/${lang}`;
        const trainRuns = readTrainingRuns(ctx, fw, model, lang, dir);
        runs.push(...trainRuns.map((r) => r.run));
        if (lang === 'py') for (const r of trainRuns) trained.set(r.index, r.trained);
        runs.push(...readInferenceRuns(ctx, fw, model, lang, dir, trained));
      }
    }
  }
  for (const rel of listFiles(root)) {
    if (!ctx.used.has(rel) && !KNOWN_NON_RUN_FILES.has(rel) && !ctx.unparsed.some((u) => u.file === rel)) {
      ctx.unparsed.push({ file: rel, reason: 'not a file this importer reads (training_errors_*, testing_errors_*, time_cost_*, deploy_eval_*)' });
    }
  }
  return {
    defaultId: IMPORTER_ID,
    spec: { importer: IMPORTER_ID, study: STUDY_TITLE, source_dir: root, imported: ctx.imported, seeds: ctx.seeds, options: { [TFJS_GRU_OPTION.name]: tfjsGru } },
    runs: tfjsGru === 'gru' ? fileTfjsGruAsNotebook(runs, campaign) : runs,
    unparsed: ctx.unparsed.sort((a, b) => a.file.localeCompare(b.file)),
  };
}

function listDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Every file under `root`, relative, sorted. */
function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const d of readdirSync(join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...listFiles(root, p));
    else if (statSync(join(root, p)).isFile()) out.push(p);
  }
  return out.sort();
}

function baseResult(ctx: Context, cell: Cell, framework: StudyFramework, lang: StudyLanguage): Omit<ImportedRunResult, 'imported'> {
  const start = { run_id: `${ctx.campaign}/${cell.key}`, campaign: ctx.campaign, cell, framework, language: LANGUAGE_BINDING[lang].language, started: ctx.imported, data_source: '' };
  // The study's files carry no timestamps; started and finished say when the import happened.
  return runResult(start, { status: 'ok', reason: null, finished: ctx.imported });
}

function environmentOf(binding: string, lang: StudyLanguage): Record<string, unknown> {
  return {
    imported_from: STUDY_TITLE,
    binding: { id: binding, study_language_folder: lang },
    host: null,
    note: "the study's data files do not record the machine or library versions; see the paper's setup section",
  };
}

function importNote(files: string[]): RunnerEvent {
  return { type: 'log', message: `imported by bindbench from ${files.join(', ')}` };
}

interface ReadTrainingRun {
  index: number;
  run: ImportedRun;
  trained: TrainedRun;
}

function readTrainingRuns(ctx: Context, framework: StudyFramework, model: string, lang: StudyLanguage, dir: string): ReadTrainingRun[] {
  const files = readdirSync(join(ctx.root, dir)).sort();
  const indices = new Set<number>();
  for (const f of files) {
    const m = /^(training|testing)_errors_(\d+)\.txt$/.exec(f);
    if (m) indices.add(Number(m[2]));
    const t = parseTimeCostFileName(f);
    if (t !== null) indices.add(t);
  }
  const out: ReadTrainingRun[] = [];
  const binding = bindingOf(framework, lang);
  for (const index of [...indices].sort((a, b) => a - b)) {
    const trainFile = `${dir}/training_errors_${index}.txt`;
    const testFile = `${dir}/testing_errors_${index}.txt`;
    const timeName = files.find((f) => parseTimeCostFileName(f) === index);
    const timeFile = timeName ? `${dir}/${timeName}` : null;
    const expected: Array<[string, string | null]> = [[`training_errors_${index}.txt`, trainFile], [`testing_errors_${index}.txt`, testFile], [`time_cost_*${index}.*`, timeFile]];
    const exists = (f: string | null): f is string => f !== null && existsSync(join(ctx.root, f));
    const present = expected.map(([, f]) => f).filter(exists);
    const missing = expected.filter(([, f]) => !exists(f)).map(([name]) => name);
    if (missing.length) {
      for (const f of present) ctx.unparsed.push({ file: f, reason: `run ${index} is incomplete: ${missing.join(', ')} missing in ${dir}` });
      continue;
    }
    if (index >= ctx.seeds.length) {
      for (const f of present) ctx.unparsed.push({ file: f, reason: `run index ${index} has no seed in random_seeds.txt (${ctx.seeds.length} seeds)` });
      continue;
    }
    const files3 = [trainFile, testFile, timeFile!];
    // A run is imported whole or not at all; its other files are listed with the reason, never dropped silently.
    const leaveOut = (culprit: string, reason: string | null) => {
      if (reason !== null) ctx.unparsed.push({ file: culprit, reason });
      for (const f of files3) if (f !== culprit && !ctx.unparsed.some((u) => u.file === f)) ctx.unparsed.push({ file: f, reason: `run ${index} is left out because ${culprit} could not be used` });
    };
    const train = tryParse(ctx, trainFile, parseAccuracyCurve);
    const test = tryParse(ctx, testFile, parseAccuracyCurve);
    // The layout follows from the content: JSON (Python), `Label:` lines (TypeScript) or bare numbers (C#, Rust).
    const time = tryParse(ctx, timeFile!, (text): TimeCost => (text.trimStart().startsWith('{') ? parseTimeCostJson(text) : text.includes(':') ? parseTimeCostLabelled(text) : parseTimeCostLines(text)));
    if (!train || !test || !time) {
      leaveOut(!train ? trainFile : !test ? testFile : timeFile!, null);
      continue;
    }
    const seed = ctx.seeds[index]!;
    if (time.seed !== seed) {
      leaveOut(timeFile!, `records seed ${time.seed}, but random_seeds.txt gives run ${index} seed ${seed}`);
      continue;
    }
    if (train.length !== test.length) {
      leaveOut(testFile, `${test.length} epochs, but ${trainFile} has ${train.length}`);
      continue;
    }
    files3.forEach((f) => ctx.used.add(f));
    const epochs = train.length;
    const cell: Cell = {
      key: '',
      model,
      binding,
      seed,
      device: TRAINING_DEVICE,
      mode: 'train',
      hyper: hyperOf(model, epochs),
      trainLimit: null,
      dataOrder: 'native',
      // The study trained with each binding's ordinary training code (docs/methodology.md, "Training styles").
      style: 'idiomatic',
      init: 'native',
      artifacts: [],
    };
    cell.key = cellKey(cell);
    // Only totals were recorded; spreading them evenly keeps the per-run sums equal to what the study measured.
    const perEpochTrain = time.trainingSeconds / epochs;
    const perEpochEval = time.evalSeconds / epochs;
    const epochEvents: EpochEvent[] = train.map((acc, i) => ({
      type: 'epoch',
      epoch: i + 1,
      train_accuracy: acc,
      test_accuracy: test[i]!,
      loss: 0,
      train_seconds: perEpochTrain,
      eval_seconds: perEpochEval,
    }));
    const m = STUDY_MODELS[model]!;
    const result: ImportedRunResult = {
      ...baseResult(ctx, cell, framework, lang),
      final_train_accuracy: train.at(-1)!,
      final_test_accuracy: test.at(-1)!,
      train_seconds: time.trainingSeconds,
      wall_seconds: time.totalSeconds,
      process_seconds: time.totalSeconds,
      data_source: `imported from the study (${IMPORTER_ID}): ${m.dataset}, ${m.trainN} training / ${m.testN} test examples; files ${files3.join(', ')}`,
      imported: {
        importer: IMPORTER_ID,
        files: files3,
        not_recorded: [
          'epoch loss (written as 0: the protocol requires a number)',
          `per-epoch train/eval seconds (the recorded totals, ${time.trainingSeconds.toFixed(3)} s training and ${time.evalSeconds.toFixed(3)} s evaluation, spread evenly over ${epochs} epochs)`,
          'process start-up time (process_seconds is the recorded total time)',
          'start and finish times (both are the import time)',
        ],
        details: {
          study_language_folder: lang,
          run_index: index,
          recorded_total_seconds: time.totalSeconds,
          recorded_eval_seconds: time.evalSeconds,
          recorded_final_test_accuracy: time.testAccuracy,
          recorded_final_train_accuracy: time.trainAccuracy,
          optimizer: `${m.optimizer.name} lr ${m.optimizer.learning_rate}${m.optimizerNote ? `, ${m.optimizerNote}` : ''}`,
        },
      },
    };
    const events: RunnerEvent[] = [importNote(files3), ...epochEvents, { type: 'end', train_seconds: time.trainingSeconds, wall_seconds: time.totalSeconds }];
    out.push({
      index,
      run: { key: cell.key, result, events, environment: environmentOf(binding, lang) },
      trained: { key: cell.key, epochs, testAccuracy: test.at(-1)!, trainAccuracy: train.at(-1)! },
    });
  }
  return out;
}

function readInferenceRuns(ctx: Context, framework: StudyFramework, model: string, lang: StudyLanguage, dir: string, trained: Map<number, TrainedRun>): ImportedRun[] {
  const out: ImportedRun[] = [];
  const m = STUDY_MODELS[model]!;
  const target = bindingOf(framework, lang);
  const sourceBinding = bindingOf(framework, 'py');
  const names = readdirSync(join(ctx.root, dir)).filter((n) => n.startsWith('deploy_eval')).sort();
  // Where a binding has a `_scripted` file and a plain one for the same device and mode (PyTorch-Rust's LSTM on the
  // CPU), the scripted one loaded the models Python saved with torch.jit.script, the ones every other file loads
  // and the study's notebook used; the plain one evaluated other models (its accuracies are not Python's).
  const scriptedModes = new Set(names.map(parseDeployFileName).filter((d) => d?.scripted).map((d) => `${d!.device}|${d!.loadMode}`));
  for (const name of names) {
    const rel = `${dir}/${name}`;
    const decoded = parseDeployFileName(name);
    if (!decoded) {
      ctx.unparsed.push({ file: rel, reason: 'deploy_eval file name not understood (expected deploy_eval_<device>_<states|serialization>[_scripted].<json|txt>)' });
      continue;
    }
    if (!decoded.scripted && scriptedModes.has(`${decoded.device}|${decoded.loadMode}`)) {
      ctx.unparsed.push({
        file: rel,
        excluded: true,
        reason: `left out as the study's notebook did: the ${decoded.studyMode}_scripted file of this binding loads the TorchScript models Python saved (the ones its other files load); this one evaluated other models`,
      });
      continue;
    }
    const evaluation = tryParse(ctx, rel, (text): DeployEval => (name.endsWith('.json') ? parseDeployJson(text) : parseDeployText(text)));
    if (!evaluation) continue;
    if (evaluation.test.seconds.length > ctx.seeds.length) {
      ctx.unparsed.push({ file: rel, reason: `${evaluation.test.seconds.length} models but only ${ctx.seeds.length} seeds in random_seeds.txt` });
      continue;
    }
    if (evaluation.train.seconds.length !== evaluation.test.seconds.length) {
      ctx.unparsed.push({ file: rel, reason: `${evaluation.test.seconds.length} test durations but ${evaluation.train.seconds.length} train durations` });
      continue;
    }
    ctx.used.add(rel);
    const format = artifactFormatOf(framework, lang, decoded.loadMode);
    evaluation.test.seconds.forEach((seconds, index) => {
      const seed = ctx.seeds[index]!;
      const source = trained.get(index) ?? null;
      const sourceKey = source?.key ?? cellKey({ model, binding: sourceBinding, seed, device: TRAINING_DEVICE, mode: 'train', style: 'idiomatic' });
      const cell: Cell = {
        key: '',
        model,
        binding: target,
        seed,
        device: decoded.device,
        mode: 'infer',
        // An inference run has no epochs of its own; it carries its source's hyper-parameters.
        hyper: hyperOf(model, source?.epochs ?? 1),
        trainLimit: null,
        dataOrder: 'native',
        style: 'idiomatic',
        init: 'native',
        artifacts: [],
        source: { binding: sourceBinding, cellKey: sourceKey, loadMode: decoded.loadMode, format },
      };
      // PyTorch's Rust runner loaded both scripted and traced TorchScript for some models; keep both apart.
      cell.key = `${cellKey(cell)}${decoded.scripted ? '--scripted' : ''}`;
      const test = evaluation.test;
      const train = evaluation.train;
      const accuracy = test.accuracies?.[index] ?? null;
      const trainAccuracy = train.accuracies?.[index] ?? null;
      const targetCorrect = accuracy === null ? null : Math.round(accuracy * m.testN);
      const trainCorrect = trainAccuracy === null ? null : Math.round(trainAccuracy * m.trainN);
      const events: RunnerEvent[] = [importNote([rel])];
      // An inference event needs a correct count; TypeScript's TensorFlow files record only the flag.
      if (targetCorrect !== null) events.push({ type: 'inference', split: 'test', repetition: 0, seconds, correct: targetCorrect, n: m.testN } satisfies InferenceEvent);
      if (trainCorrect !== null) events.push({ type: 'inference', split: 'train', repetition: -1, seconds: train.seconds[index]!, correct: trainCorrect, n: m.trainN } satisfies InferenceEvent);
      events.push({ type: 'end', train_seconds: 0, wall_seconds: seconds });
      const result: ImportedRunResult = {
        ...baseResult(ctx, cell, framework, lang),
        mean_inference_seconds: seconds,
        data_source: `imported from the study (${IMPORTER_ID}): ${m.dataset}, ${m.testN} test examples; file ${rel}, model ${index}`,
        source: {
          run_id: `${ctx.campaign}/${sourceKey}`,
          binding: sourceBinding,
          load_mode: decoded.loadMode,
          format,
          correct: source ? Math.round(source.testAccuracy * m.testN) : null,
          target_correct: targetCorrect,
          reproduced: test.same[index]!,
          stable: test.stable?.[index] ?? null,
          max_abs_logit_diff: null,
          train_correct: trainCorrect,
        },
        imported: {
          importer: IMPORTER_ID,
          files: [rel],
          not_recorded: [
            'per-repetition times (the study recorded the mean of its timed evaluations after the first)',
            ...(targetCorrect === null ? ["the loaded model's accuracy (only the study's reproduction flag)"] : []),
            ...(test.stable === null ? ['stability over repeated evaluations'] : []),
            'logits (max_abs_logit_diff is null)',
            ...(source === null ? ["the Python training run this model came from (source.correct is null; hyper.epochs is a placeholder 1)"] : []),
          ],
          details: {
            study_language_folder: lang,
            study_mode: decoded.studyMode,
            scripted: decoded.scripted,
            run_index: index,
            recorded_reference_accuracy: test.referenceAccuracies?.[index] ?? null,
            recorded_train_set_reproduced: train.same[index] ?? null,
            recorded_train_set_stable: train.stable?.[index] ?? null,
            recorded_train_set_seconds: train.seconds[index] ?? null,
            stated_test_average_seconds: test.statedAverage,
          },
        },
      };
      out.push({ key: cell.key, result, events, environment: environmentOf(target, lang) });
    });
  }
  return out;
}
