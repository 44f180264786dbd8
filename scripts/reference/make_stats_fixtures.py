#!/usr/bin/env python3
"""Reference values for bindbench's statistics (src/stats), written to test/stats/fixtures/*.json.

The TypeScript tests read these files and never run Python. Each fixture holds the inputs, the options and what
the reference implementation returned:

  mannwhitneyu.json      scipy.stats.mannwhitneyu, every alternative x method x use_continuity
  multipletests.json     statsmodels.stats.multitest.multipletests, 'bonferroni' and 'holm'
  cliffs_delta.json      Cliff's delta with the consistent-variance CI, by an independent dominance-matrix
                         implementation below (no SciPy/statsmodels equivalent exists); critical values from
                         scipy.stats.t / scipy.stats.norm
  dtw.json               exact DTW (optionally Sakoe-Chiba banded), by a plain dynamic programme below,
                         cross-checked with fastdtw.dtw where unbanded
  fastdtw.json           fastdtw.fastdtw from both implementations in the fastdtw package
  descriptive.json       numpy.mean, numpy.median, numpy.quantile (linear), scipy.stats.iqr
  distributions.json     scipy.special.ndtr, scipy.stats.norm.ppf, scipy.stats.t.ppf
  bootstrap.json         the percentile bootstrap of src/stats/bootstrap-ci.ts, driven by a Python port of
                         src/data/seeded-random.ts, with numpy statistics and numpy.quantile

Usage (see docs/statistics.md):
  python3 -m venv /tmp/statsref
  /tmp/statsref/bin/pip install numpy==2.4.6 scipy==1.17.1 statsmodels==0.15.0 cython wheel setuptools
  /tmp/statsref/bin/pip install --no-build-isolation --no-binary fastdtw --no-cache-dir fastdtw==0.3.4
  /tmp/statsref/bin/python scripts/reference/make_stats_fixtures.py

Non-finite numbers are written as the strings "Infinity", "-Infinity" and "NaN" (JSON has no literal for them).
"""

from __future__ import annotations

import importlib
import json
import math
import pathlib
import sys
from importlib.metadata import version

import numpy as np
import scipy
import scipy.special
import scipy.stats
from scipy.spatial.distance import euclidean
from scipy.stats._mannwhitneyu import _mwu_choose_method
from statsmodels.stats.multitest import multipletests

try:
    from fastdtw import _fastdtw as fastdtw_compiled
except ImportError:
    sys.exit(
        "fastdtw's compiled extension is missing. Install fastdtw with numpy present at build time:\n"
        "  pip install numpy cython wheel setuptools\n"
        "  pip install --no-build-isolation --no-binary fastdtw --no-cache-dir fastdtw==0.3.4"
    )
# The pure-Python module (the package's __init__ rebinds the name `fastdtw.fastdtw` to a function).
fastdtw_python_module = importlib.import_module("fastdtw.fastdtw")

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "stats" / "fixtures"

VERSIONS = {
    "python": sys.version.split()[0],
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "statsmodels": version("statsmodels"),
    "fastdtw": version("fastdtw"),
}


def encode(value):
    """JSON-safe copy: floats stay floats (repr round-trips), non-finite floats become strings."""
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if math.isnan(f):
            return "NaN"
        if math.isinf(f):
            return "Infinity" if f > 0 else "-Infinity"
        return f
    return value


def write(name: str, source: str, cases: list) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    doc = {"generator": "scripts/reference/make_stats_fixtures.py", "reference": source, "versions": VERSIONS,
           "cases": encode(cases)}
    (OUT / name).write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    return len(cases)


def floats(a) -> list[float]:
    return [float(v) for v in a]


# ----------------------------------------------------------------------------------------------------------------
# Samples shared by the two-sample statistics


def two_sample_sets(rng: np.random.Generator, sizes, per_pair: int, kinds) -> list[dict]:
    sets = []
    for n1, n2 in sizes:
        for kind in kinds:
            for _ in range(per_pair):
                x, y = draw_pair(rng, kind, n1, n2)
                sets.append({"kind": kind, "x": x, "y": y})
    return sets


def draw_pair(rng, kind, n1, n2):
    if kind == "continuous":
        shift = rng.normal(0, 1)
        return floats(rng.normal(shift, 1, n1)), floats(rng.normal(0, 1, n2))
    if kind == "ties":
        hi = int(rng.integers(2, 6))
        return floats(rng.integers(0, hi, n1)), floats(rng.integers(0, hi, n2))
    if kind == "accuracy":  # per-run accuracies rounded like logged metrics, so ties happen naturally
        base = 0.98 + rng.normal(0, 0.002)
        return (floats(np.round(base + rng.normal(0, 0.0015, n1), 4)),
                floats(np.round(0.98 + rng.normal(0, 0.0015, n2), 4)))
    if kind == "separated":
        return floats(rng.uniform(10, 20, n1)), floats(rng.uniform(0, 9, n2))
    if kind == "separated-below":
        return floats(rng.uniform(0, 9, n1)), floats(rng.uniform(10, 20, n2))
    if kind == "all-equal":
        v = float(np.round(rng.uniform(0, 1), 3))
        return [v] * n1, [v] * n2
    if kind == "one-tie":
        x = floats(rng.normal(0, 1, n1))
        y = floats(rng.normal(0, 1, n2))
        y[0] = x[0]
        return x, y
    raise ValueError(kind)


# ----------------------------------------------------------------------------------------------------------------
# Mann-Whitney U


def mannwhitneyu_cases(rng) -> list:
    small = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    sizes = [(int(rng.choice(small)), int(rng.choice(small))) for _ in range(40)]
    sizes += [(1, 1), (1, 2), (2, 1), (1, 8), (8, 1), (8, 8), (8, 9), (9, 8), (9, 9), (7, 30), (30, 7)]
    sizes += [(12, 15), (20, 20), (25, 18), (30, 30), (50, 40), (50, 50)]
    kinds = ["continuous", "ties", "accuracy", "separated", "separated-below", "all-equal", "one-tie"]
    datasets = two_sample_sets(rng, sizes, 1, kinds)
    # Larger samples: the asymptotic method only (exact is for small samples and slow here).
    large = two_sample_sets(rng, [(100, 120), (300, 250), (600, 500)], 1, ["continuous", "ties", "accuracy",
                                                                            "separated", "all-equal"])
    # Infinities rank like any other value; SciPy accepts them.
    datasets.append({"kind": "infinite", "x": [float("inf"), 1.0, 2.0, float("-inf")], "y": [0.5, 3.0, float("inf")]})
    datasets.append({"kind": "infinite", "x": [float("-inf"), -1.0], "y": [0.0, 1.0, 2.0, float("inf")]})

    cases = []
    for d, methods in [(d, ["auto", "exact", "asymptotic"]) for d in datasets] + [(d, ["auto", "asymptotic"])
                                                                                   for d in large]:
        x, y = np.array(d["x"]), np.array(d["y"])
        results = []
        for alternative in ["two-sided", "less", "greater"]:
            for method in methods:
                for use_continuity in [True, False]:
                    res = scipy.stats.mannwhitneyu(x, y, use_continuity=use_continuity, alternative=alternative,
                                                   method=method)
                    if method == "auto":
                        ties = len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
                        used = _mwu_choose_method(len(x), len(y), ties)
                    else:
                        used = method
                    results.append({"alternative": alternative, "method": method, "useContinuity": use_continuity,
                                    "statistic": float(res.statistic), "pvalue": float(res.pvalue),
                                    "methodUsed": used})
        cases.append({"kind": d["kind"], "x": d["x"], "y": d["y"], "results": results})
    return cases


# ----------------------------------------------------------------------------------------------------------------
# Bonferroni and Holm


def multipletests_cases(rng) -> list:
    families = []
    for m in [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100]:
        for _ in range(4):
            families.append(floats(rng.uniform(0, 1, m) ** 3))  # skewed towards small p-values
        families.append(floats(np.round(rng.uniform(0, 0.1, m), 3)))  # ties
    families += [[0.0], [1.0], [0.05], [0.0, 0.0, 1.0], [1.0, 1.0], [0.01, 0.01, 0.01, 0.01],
                 [0.0125, 0.025, 0.05, 0.9], [0.05 / 3, 0.05 / 2, 0.05], [0.01, 0.02, 0.03, 0.04, 0.05],
                 [0.5, 0.3, 0.2, 0.1, 0.001, 0.0001], [1e-300, 1e-10, 0.5]]
    cases = []
    for pvals in families:
        for alpha in [0.01, 0.05, 0.1, 0.2]:
            for method in ["bonferroni", "holm"]:
                reject, adjusted, _, _ = multipletests(np.array(pvals), alpha=alpha, method=method)
                cases.append({"pvalues": pvals, "alpha": alpha, "method": method, "adjusted": floats(adjusted),
                              "reject": [bool(r) for r in reject]})
    return cases


# ----------------------------------------------------------------------------------------------------------------
# Cliff's delta, consistent variance, asymmetric CI (R effsize::cliff.delta with use.unbiased = FALSE)


def cliffs_reference(x, y, confidence, distribution):
    """Written from the formulas with the full dominance matrix; shares no code with the TypeScript."""
    x, y = np.array(x), np.array(y)
    n1, n2 = len(x), len(y)
    dom = np.sign(x[:, None] - y[None, :])
    greater = int(np.sum(dom > 0))
    less = int(np.sum(dom < 0))
    delta = (greater - less) / (n1 * n2)  # Python int / int: the correctly rounded ratio
    d = delta * (n1 * n2 - 1) / (n1 * n2) if abs(delta) == 1 else delta
    s_i = np.sum((dom.mean(axis=1) - d) ** 2) / (n1 - 1)
    s_j = np.sum((dom.mean(axis=0) - d) ** 2) / (n2 - 1)
    s_ij = np.sum((dom - d) ** 2) / ((n1 - 1) * (n2 - 1))
    var = ((n2 - 1) * s_i + (n1 - 1) * s_j + s_ij) / (n1 * n2)
    if distribution == "student-t":
        z = -scipy.stats.t.ppf((1 - confidence) / 2, n1 + n2 - 2)
    else:
        z = -scipy.stats.norm.ppf((1 - confidence) / 2)
    half = z * math.sqrt(var) * math.sqrt((1 - d * d) ** 2 + z * z * var)
    den = 1 - d * d + z * z * var
    lo, hi = (d - d ** 3 - half) / den, (d - d ** 3 + half) / den
    if delta == 1:
        hi = 1.0
    if delta == -1:
        lo = -1.0
    size = abs(delta)
    magnitude = "negligible" if size < 0.147 else "small" if size < 0.33 else "medium" if size < 0.474 else "large"
    return {"delta": delta, "magnitude": magnitude, "ci": [lo, hi], "variance": float(var)}


def cliffs_cases(rng) -> list:
    sizes = [(int(rng.integers(2, 11)), int(rng.integers(2, 11))) for _ in range(30)]
    sizes += [(2, 2), (2, 3), (5, 5), (10, 10), (20, 25), (50, 50), (100, 80)]
    kinds = ["continuous", "ties", "accuracy", "separated", "separated-below", "all-equal", "one-tie"]
    datasets = two_sample_sets(rng, sizes, 1, kinds)
    # Magnitude boundaries: x = 1..40 against 25 y values gives 1000 pairs, so delta = net / 1000 hits the
    # thresholds 0.147, 0.33 and 0.474 exactly (and their neighbours one pair away).
    for net in [147, 330, 474, -147, -330, -474, 146, 329, 473]:
        datasets.append({"kind": f"boundary{net}", "x": floats(range(1, 41)), "y": net_sample(net)})
    cases = []
    for d in datasets:
        results = []
        for confidence in [0.9, 0.95, 0.99]:
            for distribution in ["student-t", "normal"]:
                results.append({"confidence": confidence, "distribution": distribution,
                                **cliffs_reference(d["x"], d["y"], confidence, distribution)})
        cases.append({"kind": d["kind"], "x": d["x"], "y": d["y"], "results": results})
    return cases


def net_sample(net: int) -> list[float]:
    """25 values whose pairs with x = 1..40 have (#x > y) - (#x < y) = net. A y at 40.5 - k sits below exactly k of
    the x values (net 2k - 40); a y equal to 41 - k ties one x and sits below k - 1 (net 2k - 41)."""
    base, extra = divmod(net, 25)
    y = []
    for j in range(25):
        part = base + (1 if j < extra else 0)
        if part % 2 == 0:
            y.append(40.5 - (part + 40) // 2)
        else:
            y.append(float(41 - (part + 41) // 2))
    return y


# ----------------------------------------------------------------------------------------------------------------
# DTW


def dtw_reference(a, b, window):
    n, m = len(a), len(b)
    band = max(n, m) if window is None else max(window, abs(n - m))
    inf = float("inf")
    D = [[inf] * (m + 1) for _ in range(n + 1)]
    D[0][0] = 0.0
    for i in range(1, n + 1):
        for j in range(max(1, i - band), min(m, i + band) + 1):
            D[i][j] = abs(a[i - 1] - b[j - 1]) + min(D[i - 1][j], D[i][j - 1], D[i - 1][j - 1])
    return D[n][m]


def series_pair(rng, kind, n, m):
    if kind == "continuous":
        return floats(rng.normal(0, 1, n)), floats(rng.normal(0, 1, m))
    if kind == "ties":
        return floats(rng.integers(0, 4, n)), floats(rng.integers(0, 4, m))
    if kind == "accuracy":  # learning curves: rising, saturating, rounded to 4 decimals
        def curve(k):
            t = np.arange(1, k + 1)
            return floats(np.round(0.99 - 0.5 * np.exp(-t / max(1.0, k / 5)) + rng.normal(0, 0.003, k), 4))
        return curve(n), curve(m)
    if kind == "identical":
        a = floats(rng.normal(0, 1, n))
        return a, list(a)
    raise ValueError(kind)


def dtw_cases(rng) -> list:
    cases = []
    for kind in ["continuous", "ties", "accuracy", "identical"]:
        for _ in range(25):
            n = int(rng.integers(1, 41))
            m = n if kind == "identical" else int(rng.integers(1, 41))
            a, b = series_pair(rng, kind, n, m)
            for window in [None, 0, 1, 2, 5]:
                expected = dtw_reference(a, b, window)
                if window is None:
                    package, _ = fastdtw_python_module.dtw(a, b)
                    assert package == expected, (a, b)
                cases.append({"kind": kind, "a": a, "b": b, "window": window, "distance": expected})
    return cases


# ----------------------------------------------------------------------------------------------------------------
# FastDTW


def fastdtw_cases(rng) -> list:
    cases = []
    specs = []
    for kind in ["continuous", "ties", "accuracy", "identical"]:
        for _ in range(30):
            n = int(rng.integers(1, 61))
            m = n if kind == "identical" else int(rng.integers(1, 61))
            specs.append((kind, n, m))
    specs += [("accuracy", 100, 100), ("accuracy", 200, 200), ("continuous", 150, 90), ("ties", 120, 130),
              ("accuracy", 1, 50), ("continuous", 2, 2), ("continuous", 3, 7)]
    study_checked = 0
    for kind, n, m in specs:
        a, b = series_pair(rng, kind, n, m)
        for radius in [0, 1, 2, 3]:
            case = {"kind": kind, "a": a, "b": b, "radius": radius}
            try:
                d, p = fastdtw_python_module.fastdtw(np.array(a), np.array(b), radius=radius)
                case["python"] = {"distance": float(d), "path": [list(c) for c in p]}
            except (IndexError, TypeError, KeyError) as err:
                case["python"] = {"error": type(err).__name__}
            if radius == 0:
                # With radius 0 the extension reads and writes past its buffers (undefined behaviour: it crashes or
                # returns an alignment that stops short of the end cell, differently from run to run).
                case["compiled"] = {"skipped": "radius 0 is memory-unsafe in fastdtw's extension"}
            else:
                d, p = fastdtw_compiled.fastdtw(np.array(a), np.array(b), radius=radius)
                assert tuple(p[-1]) == (n - 1, m - 1)
                case["compiled"] = {"distance": float(d), "path": [list(c) for c in p]}
            if radius == 1 and "error" not in case["python"] and study_checked < 40:
                # The study's call: dist=scipy.spatial.distance.euclidean on scalars (wrapped: SciPy 1.17 no
                # longer accepts 0-d input). It must give the same result as the default |a - b|.
                ds, ps = fastdtw_python_module.fastdtw(a, b, radius=1, dist=lambda u, v: euclidean([u], [v]))
                assert ds == case["python"]["distance"] and [list(c) for c in ps] == case["python"]["path"]
                study_checked += 1
            cases.append(case)
    return cases


# ----------------------------------------------------------------------------------------------------------------
# Descriptive statistics


def descriptive_cases(rng) -> list:
    cases = []
    sizes = [1, 2, 3, 4, 5, 7, 8, 9, 10, 16, 17, 31, 64, 127, 128, 129, 200, 257, 1000, 2049]
    for n in sizes:
        for kind in ["normal", "ties", "scaled", "accuracy"]:
            if kind == "normal":
                x = rng.normal(0, 1, n)
            elif kind == "ties":
                x = rng.integers(-3, 4, n).astype(float)
            elif kind == "scaled":
                x = rng.normal(0, 1, n) * 10.0 ** rng.uniform(-6, 6, n)
            else:
                x = np.round(0.98 + rng.normal(0, 0.002, n), 4)
            qs = [0.0, 0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975, 1.0, float(rng.uniform())]
            cases.append({"kind": kind, "x": floats(x), "mean": float(np.mean(x)), "median": float(np.median(x)),
                          "iqr": float(scipy.stats.iqr(x)),
                          "quantiles": [{"q": q, "value": float(np.quantile(x, q))} for q in qs]})
    return cases


# ----------------------------------------------------------------------------------------------------------------
# Normal and Student t


def distribution_cases(rng) -> dict:
    zs = sorted(set(floats(np.linspace(-39, 9, 481)) + floats(rng.uniform(-38, 8, 200)) +
                    [0.0, -1e-300, 1e-10, -1.4142135623730951, 1.4142135623730951, -37.5, -38.4]))
    ps = sorted(set(floats(10.0 ** -rng.uniform(0, 300, 100)) + floats(rng.uniform(0, 1, 100)) +
                    [0.5, 0.025, 0.975, 0.005, 0.995, 0.05, 0.95, 1e-300, 1 - 1e-16]))
    ps = [p for p in ps if 0 < p < 1]
    confidences = [0.5, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999, 0.9999]
    dfs = list(range(1, 61)) + [75, 98, 100, 150, 198, 250, 500, 998, 1000, 5000]
    return {
        "normalCdf": [{"z": z, "value": float(scipy.special.ndtr(z))} for z in zs],
        "normalQuantile": [{"p": p, "value": float(scipy.stats.norm.ppf(p))} for p in ps],
        "studentTCritical": [{"confidence": c, "df": df, "value": float(-scipy.stats.t.ppf((1 - c) / 2, df))}
                             for c in confidences for df in dfs],
    }


# ----------------------------------------------------------------------------------------------------------------
# Percentile bootstrap driven by a port of src/data/seeded-random.ts

M32 = 0xFFFFFFFF


class SeededRandom:
    """xoshiro128** seeded through splitmix32, bit for bit as src/data/seeded-random.ts."""

    def __init__(self, seed: int, stream: int = 0):
        self.x = (seed ^ ((stream + 1) * 0x9E3779B9)) & M32
        self.s = [self._splitmix() for _ in range(4)]

    def _splitmix(self) -> int:
        self.x = (self.x + 0x9E3779B9) & M32
        z = self.x
        z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M32
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
        return (z ^ (z >> 16)) & M32

    @staticmethod
    def _rotl(x: int, k: int) -> int:
        return ((x << k) | (x >> (32 - k))) & M32

    def next_uint32(self) -> int:
        s = self.s
        result = (self._rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 11)
        return result

    def next_float(self) -> float:
        hi = self.next_uint32() >> 5
        lo = self.next_uint32() >> 6
        return (hi * 67108864 + lo) / 9007199254740992

    def next_below(self, n: int) -> int:
        return math.floor(self.next_float() * n)


def bootstrap_reference(x, statistic, seed, resamples, confidence):
    rng = SeededRandom(seed)
    x = np.array(x)
    n = len(x)
    values = np.empty(resamples)
    for r in range(resamples):
        idx = [rng.next_below(n) for _ in range(n)]
        values[r] = statistic(x[idx])
    return [float(np.quantile(values, (1 - confidence) / 2)), float(np.quantile(values, (1 + confidence) / 2))]


def bootstrap_cases(rng) -> dict:
    first = SeededRandom(42)
    uint32 = [first.next_uint32() for _ in range(8)]
    cases = []
    for n in [1, 2, 5, 10, 30]:
        for statistic in ["mean", "median"]:
            x = floats(np.round(rng.normal(0.98, 0.003, n), 4))
            seed = int(rng.integers(0, 2 ** 32))
            for resamples, confidence in [(500, 0.95), (1000, 0.9), (200, 0.99)]:
                fn = np.mean if statistic == "mean" else np.median
                cases.append({"x": x, "statistic": statistic, "seed": seed, "resamples": resamples,
                              "confidence": confidence, "ci": bootstrap_reference(x, fn, seed, resamples,
                                                                                  confidence)})
    return {"seededRandom": {"seed": 42, "uint32": uint32}, "cases": cases}


# ----------------------------------------------------------------------------------------------------------------


def main() -> None:
    counts = {
        "mannwhitneyu.json": write("mannwhitneyu.json", "scipy.stats.mannwhitneyu", mannwhitneyu_cases(
            np.random.default_rng(20240501))),
        "multipletests.json": write("multipletests.json", "statsmodels.stats.multitest.multipletests",
                                    multipletests_cases(np.random.default_rng(20240502))),
        "cliffs_delta.json": write("cliffs_delta.json",
                                   "independent dominance-matrix implementation (effsize consistent variance)",
                                   cliffs_cases(np.random.default_rng(20240503))),
        "dtw.json": write("dtw.json", "plain dynamic programme; fastdtw.dtw where unbanded",
                          dtw_cases(np.random.default_rng(20240504))),
        "fastdtw.json": write("fastdtw.json", "fastdtw.fastdtw (fastdtw/fastdtw.py and fastdtw/_fastdtw)",
                              fastdtw_cases(np.random.default_rng(20240505))),
        "descriptive.json": write("descriptive.json", "numpy.mean, numpy.median, numpy.quantile, scipy.stats.iqr",
                                  descriptive_cases(np.random.default_rng(20240506))),
    }
    dist = distribution_cases(np.random.default_rng(20240507))
    counts["distributions.json"] = write("distributions.json",
                                         "scipy.special.ndtr, scipy.stats.norm.ppf, scipy.stats.t.ppf", [dist])
    boot = bootstrap_cases(np.random.default_rng(20240508))
    counts["bootstrap.json"] = write("bootstrap.json", "Python port of the percentile bootstrap and SeededRandom",
                                     [boot])
    for name, n in counts.items():
        print(f"{name}: {n} entries")


if __name__ == "__main__":
    main()
