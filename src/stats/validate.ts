/**
 * Input checks shared by every statistic. A statistic computed on a sample with a hole in it is a wrong number that
 * looks right, so nothing here drops or repairs values: a bad sample is refused with a RangeError that names it.
 */

declare const validatedSample: unique symbol;

/** A sample that passed {@link validateSample}: long enough, no NaN, finite unless the statistic allows infinities. */
export type Sample = readonly number[] & { readonly [validatedSample]: true };

export interface SampleRules {
  /** Fewest values the statistic can work with (default 1). */
  minLength?: number;
  /** Rank-based statistics order ±Infinity like any other value; arithmetic ones cannot. */
  allowInfinite?: boolean;
}

/** Checks `values` and returns it typed as a {@link Sample}; `name` is how the error message refers to it. */
export function validateSample(values: readonly number[], name: string, rules: SampleRules = {}): Sample {
  if (!Array.isArray(values)) throw new TypeError(`${name} must be an array of numbers`);
  const minLength = rules.minLength ?? 1;
  if (values.length < minLength) {
    const what = values.length === 0 ? 'is empty' : `has ${values.length} value${values.length === 1 ? '' : 's'}`;
    throw new RangeError(`${name} ${what}; this statistic needs at least ${minLength}`);
  }
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (typeof v !== 'number') throw new RangeError(`${name}[${i}] is ${typeof v}, not a number`);
    if (Number.isNaN(v)) {
      throw new RangeError(`${name}[${i}] is NaN; remove or impute missing values explicitly before testing`);
    }
    if (!rules.allowInfinite && !Number.isFinite(v)) throw new RangeError(`${name}[${i}] is ${v}; values must be finite`);
  }
  return values as unknown as Sample;
}

/** Checks a probability-like parameter lies in the open interval (0, 1). */
export function validateOpenUnit(value: number, name: string): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new RangeError(`${name} must be a number strictly between 0 and 1, got ${String(value)}`);
  }
  return value;
}

/** Checks a parameter lies in the closed interval [0, 1]. */
export function validateClosedUnit(value: number, name: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be a number between 0 and 1 inclusive, got ${String(value)}`);
  }
  return value;
}

/** Checks an option against its allowed string values. */
export function validateChoice<T extends string>(value: T, allowed: readonly T[], name: string): T {
  if (!allowed.includes(value)) {
    throw new RangeError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${String(value)}`);
  }
  return value;
}
