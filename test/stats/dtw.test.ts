import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dtw, fastdtw, normalizedDtw, type Cell, type FastDtwImplementation } from '../../src/stats/index.js';
import { loadFixture } from './fixture-support.js';

interface DtwCase {
  kind: string;
  a: number[];
  b: number[];
  window: number | null;
  distance: number;
}

type Outcome = { distance: number; path: Cell[] } | { error: string } | { skipped: string };

interface FastDtwCase {
  kind: string;
  a: number[];
  b: number[];
  radius: number;
  python: Outcome;
  compiled: Outcome;
}

test('dtw equals the reference dynamic programme exactly, with and without a Sakoe-Chiba band', () => {
  const fixture = loadFixture<DtwCase>('dtw.json');
  for (const c of fixture.cases) {
    const got = c.window === null ? dtw(c.a, c.b) : dtw(c.a, c.b, { window: c.window });
    assert.equal(got, c.distance, `${c.kind} (${c.a.length},${c.b.length}) window=${c.window}`);
  }
});

for (const implementation of ['python', 'compiled'] as FastDtwImplementation[]) {
  test(`fastdtw (${implementation}) equals the fastdtw package exactly, distance and path`, (t) => {
    const fixture = loadFixture<FastDtwCase>('fastdtw.json');
    let compared = 0;
    let refused = 0;
    let skipped = 0;
    for (const c of fixture.cases) {
      const expected = c[implementation];
      const label = `${c.kind} (${c.a.length},${c.b.length}) radius=${c.radius}`;
      if ('skipped' in expected) {
        skipped++; // the package itself has no defined result here (see the fixture's reason)
        continue;
      }
      if ('error' in expected) {
        // The package fails (or its extension stops short of the end cell); this library says so instead.
        assert.throws(() => fastdtw(c.a, c.b, { radius: c.radius, implementation }), /does not reach cell/, label);
        refused++;
        continue;
      }
      const got = fastdtw(c.a, c.b, { radius: c.radius, implementation });
      assert.equal(got.distance, expected.distance, `${label}: distance`);
      assert.deepEqual(got.path, expected.path, `${label}: path`);
      compared++;
    }
    t.diagnostic(
      `${compared} alignments identical to fastdtw ${fixture.versions.fastdtw}; ${refused} refused where it fails; ` +
        `${skipped} without a defined reference`,
    );
  });
}

test('the two fastdtw implementations really differ on some fixture cases (so the option matters)', () => {
  const fixture = loadFixture<FastDtwCase>('fastdtw.json');
  const differing = fixture.cases.filter(
    (c) => 'distance' in c.python && 'distance' in c.compiled && c.python.distance !== c.compiled.distance,
  );
  assert.ok(differing.length > 0);
  const c = differing[0]!;
  assert.notEqual(
    fastdtw(c.a, c.b, { radius: c.radius, implementation: 'python' }).distance,
    fastdtw(c.a, c.b, { radius: c.radius, implementation: 'compiled' }).distance,
  );
});

test('fastdtw with a radius covering both series is exact DTW', () => {
  const fixture = loadFixture<DtwCase>('dtw.json');
  for (const c of fixture.cases.filter((k) => k.window === null)) {
    const radius = Math.max(c.a.length, c.b.length);
    assert.equal(fastdtw(c.a, c.b, { radius }).distance, c.distance);
    assert.equal(fastdtw(c.a, c.b, { radius, implementation: 'compiled' }).distance, c.distance);
  }
});

test('normalizedDtw divides the fastdtw distance by the longer series length', () => {
  const fixture = loadFixture<FastDtwCase>('fastdtw.json');
  for (const c of fixture.cases.filter((k) => k.radius === 1 && 'distance' in k.python)) {
    const expected = (c.python as { distance: number }).distance / Math.max(c.a.length, c.b.length);
    assert.equal(normalizedDtw(c.a, c.b), expected);
  }
});

test('the fastdtw package docstring example', () => {
  assert.deepEqual(fastdtw([1, 2, 3, 4, 5], [2, 3, 4]), {
    distance: 2,
    path: [[0, 0], [1, 0], [2, 1], [3, 2], [4, 2]],
  });
});

test('dtw and fastdtw refuse empty series, NaN, infinities and bad parameters', () => {
  assert.throws(() => dtw([], [1]), /a is empty/);
  assert.throws(() => dtw([1], [NaN]), /b\[0\] is NaN/);
  assert.throws(() => dtw([1, Infinity], [1]), /finite/);
  assert.throws(() => dtw([1], [1], { window: -1 }), /window/);
  assert.throws(() => fastdtw([1], []), /b is empty/);
  assert.throws(() => fastdtw([1], [1], { radius: 1.5 }), /radius/);
  assert.throws(() => fastdtw([1], [1], { implementation: 'cython' as FastDtwImplementation }), /implementation/);
});

test('dtw with a custom local cost', () => {
  const squared = (p: number, q: number): number => (p - q) ** 2;
  assert.equal(dtw([0, 1, 2], [0, 2], { distance: squared }), 1);
});
