/** Flag parsing shared by the commands: the home folder and comma lists. */
import type { Command } from 'commander';
import { BadInputError } from '../base/errors.js';
import { resolveHome, type Home } from '../base/home.js';

export function homeOf(cmd: Command): Home {
  return resolveHome(cmd.optsWithGlobals().home as string);
}

export function commaList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function intList(flag: string) {
  return (value: string): number[] =>
    commaList(value).map((s) => {
      // Decimal digits only: Number() would also take 0x10, 1e3 and '' as numbers.
      const n = /^\d+$/.test(s) ? Number(s) : NaN;
      if (!Number.isSafeInteger(n)) throw new BadInputError(`${flag}: '${s}' is not a non-negative integer (decimal digits only)`);
      return n;
    });
}

export function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new BadInputError(`${flag}: '${value}' is not a positive number`);
    return n;
  };
}

export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) throw new BadInputError(`${flag}: '${value}' is not a whole number of at least 1 (decimal digits only)`);
    return n;
  };
}

/** `--alpha`: a family-wise significance level. */
export function alphaOf(value: string): number {
  const a = Number(value);
  if (!(a > 0 && a < 1)) throw new BadInputError(`--alpha: '${value}' is not a number strictly between 0 and 1`);
  return a;
}

/** `--max-slowdown`: the regression gate's threshold, a fraction (0.05 = 5 %). */
export function slowdownOf(value: string): number {
  const x = Number(value);
  if (!(x >= 0 && x < 10)) throw new BadInputError(`--max-slowdown: '${value}' is not a fraction such as 0.05`);
  return x;
}

/** `--campaign <id>` repeated: every value, in order. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
