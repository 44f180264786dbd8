/**
 * Reading the reference fixtures written by scripts/reference/make_stats_fixtures.py, and comparing numbers to a
 * tolerance while keeping the worst error seen, so each test can report how close it came.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/base/home.js';

export interface Fixture<T> {
  reference: string;
  versions: Record<string, string>;
  cases: T[];
}

/** Parses test/stats/fixtures/<name>; the strings "Infinity", "-Infinity" and "NaN" stand for those numbers. */
export function loadFixture<T>(name: string): Fixture<T> {
  const text = readFileSync(join(packageRoot, 'test', 'stats', 'fixtures', name), 'utf8');
  return JSON.parse(text, (_key, value: unknown) => {
    if (value === 'Infinity') return Infinity;
    if (value === '-Infinity') return -Infinity;
    if (value === 'NaN') return NaN;
    return value;
  }) as Fixture<T>;
}

/** Tracks the largest relative and absolute differences of every comparison made through it. */
export class ErrorTracker {
  compared = 0;
  identical = 0;
  maxRelative = 0;
  maxAbsolute = 0;

  /**
   * Asserts |actual - expected| <= rel |expected| (or <= abs, for quantities near zero where relative error means
   * nothing). NaN must meet NaN, and infinities must be equal.
   */
  close(actual: number, expected: number, what: string, tolerance: { rel?: number; abs?: number } = {}): void {
    const rel = tolerance.rel ?? 1e-12;
    const abs = tolerance.abs ?? 0;
    this.compared++;
    if (Number.isNaN(expected)) {
      assert.ok(Number.isNaN(actual), `${what}: got ${actual}, expected NaN`);
      this.identical++;
      return;
    }
    if (actual === expected) {
      this.identical++;
      return;
    }
    const difference = Math.abs(actual - expected);
    const relative = expected === 0 ? Infinity : difference / Math.abs(expected);
    assert.ok(
      relative <= rel || difference <= abs,
      `${what}: got ${actual}, expected ${expected} (relative error ${relative}, absolute ${difference})`,
    );
    if (Number.isFinite(relative)) this.maxRelative = Math.max(this.maxRelative, relative);
    this.maxAbsolute = Math.max(this.maxAbsolute, difference);
  }

  summary(label: string): string {
    return (
      `${label}: ${this.compared} values compared, ${this.identical} identical to the last bit, ` +
      `max relative error ${this.maxRelative.toExponential(2)}, max absolute error ${this.maxAbsolute.toExponential(2)}`
    );
  }
}
