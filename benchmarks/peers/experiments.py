#!/usr/bin/python3
"""The A/A validation job of AaValidatorBenchmarks, done with NumPy/SciPy on identical data.

10,000 re-randomisations (Bernoulli 50/50) of 100,000 learners with y_i = exp(1 + 0.8 sin(0.7 i) + 0.3 cos(1.3 i)) + (i mod 7),
a Welch t-test each time; prints the wall time and the false-positive rate. Vectorised: assignments are drawn in batches
of 100 iterations and the arm sums come from one matrix product per batch.

Run with Debian's Python (the one with python3-numpy and python3-scipy): bash benchmarks/peers/run.sh experiments
"""
import json
import time

import numpy as np
from scipy import stats

N, ITERATIONS, BATCH, ALPHA = 100_000, 10_000, 100, 0.05


def data(n):
    i = np.arange(n, dtype=np.float64)
    return np.exp(1 + 0.8 * np.sin(0.7 * i) + 0.3 * np.cos(1.3 * i)) + (np.arange(n) % 7)


def main():
    y = data(N)
    y = y - y.mean()
    y2 = y * y
    total, total_sq = y.sum(), y2.sum()
    rng = np.random.default_rng(1)
    positives = 0
    started = time.perf_counter()
    for _ in range(ITERATIONS // BATCH):
        masks = (rng.random((BATCH, N)) < 0.5).astype(np.float64)
        nt = masks.sum(axis=1)
        st = masks @ y
        qt = masks @ y2
        nc = N - nt
        sc, qc = total - st, total_sq - qt
        mt, mc = st / nt, sc / nc
        vt = (qt - st * mt) / (nt - 1) / nt
        vc = (qc - sc * mc) / (nc - 1) / nc
        t = (mt - mc) / np.sqrt(vt + vc)
        df = (vt + vc) ** 2 / (vt ** 2 / (nt - 1) + vc ** 2 / (nc - 1))
        p = 2 * stats.t.sf(np.abs(t), df)
        positives += int((p < ALPHA).sum())
    seconds = time.perf_counter() - started
    print(json.dumps({"peer": "numpy+scipy", "numpy": np.__version__, "learners": N, "iterations": ITERATIONS,
                      "seconds": round(seconds, 3), "falsePositiveRate": positives / ITERATIONS}))


if __name__ == "__main__":
    main()
