#!/usr/bin/env python3
"""Reference values for src/stats/wilson-interval.ts, written to test/stats/fixtures/proportion.json.

scipy.stats.binomtest(k, n).proportion_ci(confidence_level, method="wilson"): the Wilson score interval without
continuity correction, for every k of a range of n (0 and n included) and three confidence levels. Needs only SciPy,
so any bindbench Python environment can run it:

  .bindbench/envs/pytorch/bin/python scripts/reference/make_proportion_fixture.py
"""
import json
import pathlib
import sys

import scipy
import scipy.stats

OUT = pathlib.Path(__file__).resolve().parents[2] / "test" / "stats" / "fixtures" / "proportion.json"


def cases() -> list:
    out = []
    for n in (1, 2, 5, 10, 20, 37, 100, 1000):
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n} & set(range(n + 1))):
            for confidence in (0.9, 0.95, 0.99):
                ci = scipy.stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
                out.append({"k": k, "n": n, "confidence": confidence, "low": float(ci.low), "high": float(ci.high)})
    return out


if __name__ == "__main__":
    doc = {"generator": "scripts/reference/make_proportion_fixture.py", "reference": "scipy.stats.binomtest(k, n).proportion_ci(method='wilson')",
           "versions": {"python": sys.version.split()[0], "scipy": scipy.__version__}, "cases": cases()}
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"{OUT.name}: {len(doc['cases'])} entries")
