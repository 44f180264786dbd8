/**
 * Parsers for the study's per-run files. Each takes the file's text and returns plain numbers, or throws a
 * StudyFileError saying what is wrong; the reader turns that into an entry of the unparsed list.
 */

export class StudyFileError extends Error {
  override name = 'StudyFileError';
}

function parseNumber(raw: string, what: string): number {
  const text = raw.trim();
  const n = Number(text);
  if (text === '' || !Number.isFinite(n)) throw new StudyFileError(`${what}: '${text}' is not a number`);
  return n;
}

function parseBoolean(raw: string, what: string): boolean {
  const text = raw.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new StudyFileError(`${what}: '${raw.trim()}' is neither true nor false`);
}

/** `training_errors_<i>.txt` / `testing_errors_<i>.txt`: one accuracy per epoch (NumPy savetxt or plain). */
export function parseAccuracyCurve(text: string): number[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new StudyFileError('no values');
  return lines.map((l, i) => {
    const v = parseNumber(l, `line ${i + 1}`);
    if (v < 0 || v > 1) throw new StudyFileError(`line ${i + 1}: ${v} is not an accuracy in [0, 1]`);
    return v;
  });
}

/** A run's recorded timing: training time excludes the per-epoch evaluations, as the study defined it. */
export interface TimeCost {
  trainingSeconds: number;
  totalSeconds: number;
  evalSeconds: number;
  seed: number;
  /** Final accuracies, where the binding wrote them (Python, TypeScript). */
  testAccuracy: number | null;
  trainAccuracy: number | null;
}

/** A JSON object, or a StudyFileError saying why the file is not one. */
function parseObject(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new StudyFileError(`not JSON: ${(e as Error).message}`);
  }
}

/** Python's `time_cost_gpu_<i>.json`. */
export function parseTimeCostJson(text: string): TimeCost {
  const v = parseObject(text);
  const num = (key: string): number => {
    if (typeof v[key] !== 'number' || !Number.isFinite(v[key])) throw new StudyFileError(`field '${key}' is missing or not a number`);
    return v[key] as number;
  };
  const opt = (key: string): number | null => (typeof v[key] === 'number' ? (v[key] as number) : null);
  return { trainingSeconds: num('training_time'), totalSeconds: num('total_time'), evalSeconds: num('eval_time'), seed: num('seed'), testAccuracy: opt('test_acc'), trainAccuracy: opt('train_acc') };
}

/** C# and Rust: four lines, total, evaluation, total minus evaluation, seed. */
export function parseTimeCostLines(text: string): TimeCost {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length !== 4) throw new StudyFileError(`expected 4 lines (total, evaluation, training, seed), found ${lines.length}`);
  const [total, evaluation, training, seed] = lines.map((l, i) => parseNumber(l, `line ${i + 1}`)) as [number, number, number, number];
  // The third line is the difference of the first two; a file that disagrees is not laid out as assumed.
  if (Math.abs(total - evaluation - training) > 1e-6 * Math.max(1, total)) {
    throw new StudyFileError(`line 3 (${training}) is not line 1 minus line 2 (${total} - ${evaluation}); the layout is not total/evaluation/training/seed`);
  }
  return { trainingSeconds: training, totalSeconds: total, evalSeconds: evaluation, seed, testAccuracy: null, trainAccuracy: null };
}

/** Text split into `Label:` sections, each with the value on the label line (if any) and the lines below it. */
interface Section {
  label: string;
  inline: string | null;
  values: string[];
}

function sections(text: string): Section[] {
  const out: Section[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const label = /^([A-Za-z][A-Za-z0-9 ]*?)\s*:\s*(.*)$/.exec(line);
    if (label && !/^(true|false)\b/i.test(line)) {
      out.push({ label: label[1]!.toLowerCase(), inline: label[2] ? label[2] : null, values: [] });
    } else {
      if (out.length === 0) throw new StudyFileError(`value '${line}' before any label`);
      out.at(-1)!.values.push(line);
    }
  }
  return out;
}

/** TypeScript's labelled time file: `Training Time:`, `Total Time:`, `Eval Time:`, ..., `Seed:`, each value below. */
export function parseTimeCostLabelled(text: string): TimeCost {
  const byLabel = new Map(sections(text).map((s) => [s.label, s.inline ?? s.values[0] ?? null]));
  const num = (label: string): number => {
    const v = byLabel.get(label);
    if (v == null) throw new StudyFileError(`label '${label}:' is missing`);
    return parseNumber(v, label);
  };
  const opt = (label: string): number | null => (byLabel.get(label) == null ? null : num(label));
  return { trainingSeconds: num('training time'), totalSeconds: num('total time'), evalSeconds: num('eval time'), seed: num('seed'), testAccuracy: opt('testing acc'), trainAccuracy: opt('training acc') };
}

/** One split (test or train) of a deploy evaluation: one entry per loaded model, in run-index order. */
export interface DeploySplit {
  /** Seconds per model: the study's mean over its timed evaluations of the whole split. */
  seconds: number[];
  /** The average the file states, when it states one. */
  statedAverage: number | null;
  /** The study's "same accuracy as the original" flag per model. */
  same: boolean[];
  /** The loaded model's accuracy per model, where recorded. */
  accuracies: number[] | null;
  /** The Python model's accuracy the flag was computed against, where recorded (Python's own files). */
  referenceAccuracies: number[] | null;
  /** Whether repeated evaluations gave the same accuracy, where recorded. */
  stable: boolean[] | null;
}

export interface DeployEval {
  test: DeploySplit;
  train: DeploySplit;
}

function checkLengths(split: DeploySplit, name: string): DeploySplit {
  const n = split.seconds.length;
  if (n === 0) throw new StudyFileError(`${name}: no per-model durations`);
  for (const [field, list] of [['flags', split.same], ['accuracies', split.accuracies], ['reference accuracies', split.referenceAccuracies], ['stability flags', split.stable]] as const) {
    if (list && list.length !== n) throw new StudyFileError(`${name}: ${n} durations but ${list.length} ${field}`);
  }
  return split;
}

/** Python's `deploy_eval_*.json`. */
export function parseDeployJson(text: string): DeployEval {
  const v = parseObject(text);
  const split = (prefix: 'test' | 'train'): DeploySplit => {
    const seconds = v[prefix];
    const same = v[`${prefix}set_same_acc`];
    const stable = v[`${prefix}_acc_stable`];
    if (!Array.isArray(seconds) || !seconds.every((x) => typeof x === 'number')) throw new StudyFileError(`field '${prefix}' is not a list of numbers`);
    if (!Array.isArray(same) || !same.every((x) => Array.isArray(x) && x.length === 3 && typeof x[0] === 'boolean' && typeof x[1] === 'number' && typeof x[2] === 'number')) {
      throw new StudyFileError(`field '${prefix}set_same_acc' is not a list of [flag, accuracy, reference accuracy]`);
    }
    if (stable !== undefined && (!Array.isArray(stable) || !stable.every((x) => typeof x === 'boolean'))) throw new StudyFileError(`field '${prefix}_acc_stable' is not a list of booleans`);
    const rows = same as Array<[boolean, number, number]>;
    return checkLengths(
      {
        seconds: seconds as number[],
        statedAverage: typeof v[`${prefix}_average`] === 'number' ? (v[`${prefix}_average`] as number) : null,
        same: rows.map((r) => r[0]),
        accuracies: rows.map((r) => r[1]),
        referenceAccuracies: rows.map((r) => r[2]),
        stable: stable === undefined ? null : (stable as boolean[]),
      },
      prefix,
    );
  };
  return { test: split('test'), train: split('train') };
}

type SectionRole = 'average' | 'seconds' | 'averageThenSeconds' | 'same' | 'accuracies' | 'stable';

/**
 * Section labels of the three text layouts (Rust, C#, TypeScript), without the leading `test`/`train`. Rust writes
 * the average on the label line and the per-model times below it; C# gives the average its own section.
 */
const SECTION_ROLES: Array<[RegExp, SectionRole]> = [
  [/^eval average time$/, 'averageThenSeconds'],
  [/^eval time$/, 'seconds'],
  [/^average$/, 'average'],
  [/^$/, 'seconds'],
  [/^accuracy0? same as original$/, 'same'],
  [/^set same acc$/, 'same'],
  [/^set accs$/, 'accuracies'],
  [/^(accuracy|set accs) stable$/, 'stable'],
];

/** Rust, C# and TypeScript `deploy_eval_*.txt`. */
export function parseDeployText(text: string): DeployEval {
  const parts: Record<'test' | 'train', Partial<Record<SectionRole, Section>>> = { test: {}, train: {} };
  for (const s of sections(text)) {
    const m = /^(test|train)\s*(.*)$/.exec(s.label);
    const role = m ? SECTION_ROLES.find(([re]) => re.test(m[2]!))?.[1] : undefined;
    if (!m || !role) throw new StudyFileError(`unknown section '${s.label}:'`);
    const split = m[1] as 'test' | 'train';
    if (parts[split][role]) throw new StudyFileError(`section '${s.label}:' appears twice`);
    parts[split][role] = s;
  }
  const build = (name: 'test' | 'train'): DeploySplit => {
    const p = parts[name];
    let seconds: number[];
    let statedAverage: number | null = null;
    if (p.averageThenSeconds?.inline != null) {
      statedAverage = parseNumber(p.averageThenSeconds.inline, `${name} average`);
      seconds = p.averageThenSeconds.values.map((x, i) => parseNumber(x, `${name} time ${i + 1}`));
    } else {
      const avg = p.averageThenSeconds ?? p.average;
      if (avg) statedAverage = parseNumber(avg.inline ?? avg.values[0] ?? '', `${name} average`);
      if (!p.seconds) throw new StudyFileError(`no per-model ${name} times`);
      seconds = p.seconds.values.map((x, i) => parseNumber(x, `${name} time ${i + 1}`));
    }
    if (!p.same) throw new StudyFileError(`no '${name} ... same' section`);
    const sameRows = p.same.values.map((row) => row.split(',').map((c) => c.trim()));
    const same = sameRows.map((r, i) => parseBoolean(r[0]!, `${name} flag ${i + 1}`));
    // Rust and C# write "flag, accuracy"; TypeScript writes the accuracies in their own section.
    const inlineAccuracies = sameRows.every((r) => r.length === 2) ? sameRows.map((r, i) => parseNumber(r[1]!, `${name} accuracy ${i + 1}`)) : null;
    if (!inlineAccuracies && sameRows.some((r) => r.length !== 1)) throw new StudyFileError(`${name} flags: rows are neither 'flag' nor 'flag, accuracy'`);
    const accuracies = p.accuracies ? p.accuracies.values.map((x, i) => parseNumber(x, `${name} accuracy ${i + 1}`)) : inlineAccuracies;
    const stable = p.stable ? p.stable.values.map((x, i) => parseBoolean(x, `${name} stability ${i + 1}`)) : null;
    return checkLengths({ seconds, statedAverage, same, accuracies, referenceAccuracies: null, stable }, name);
  };
  return { test: build('test'), train: build('train') };
}
