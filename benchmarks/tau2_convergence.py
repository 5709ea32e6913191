"""Do the iterative tau^2 estimators converge on every dataset?  A stress run.

Draws seeded random meta-analyses of the shapes that trip Fisher scoring (few studies,
one very precise study among imprecise ones, ties and rounded effects, variances spanning
five orders of magnitude, outliers), fits each with ML, REML and PM/EB, and counts fits
that did not converge, are not finite, or do not solve their estimating equation.

Usage::

    python benchmarks/tau2_convergence.py --datasets 100000 --seed 20261202
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from reviewlib.meta import estimators


def random_datasets(rng: np.random.Generator, n: int, k_max: int = 30):
    """``n`` datasets as one concatenated batch: y, v, and a mask with one row each."""
    ks = np.where(rng.random(n) < 0.7, rng.integers(2, 13, n), rng.integers(2, k_max + 1, n))
    ys, vs = [], []
    for k in ks:
        if rng.random() < 0.5:
            v = np.exp(rng.uniform(np.log(1e-4), np.log(10.0), k)) ** rng.choice([0.3, 1.0])
        else:
            v = np.round(rng.uniform(0.005, 2.0, k) ** rng.choice([1, 2, 3]), 3) + 1e-3
        if rng.random() < 0.3:  # one study far more precise than the rest
            v[rng.integers(k)] *= rng.choice([1e-3, 1e-2, 0.1])
        tau = rng.choice([0.0, 0.1, 0.5, 2.0])
        y = rng.normal(0.0, np.sqrt(v + tau**2))
        if rng.random() < 0.2:  # an outlier
            y[rng.integers(k)] += rng.choice([-1, 1]) * rng.uniform(2, 10)
        if rng.random() < 0.4:  # effects printed to few digits: ties, identical values
            y = np.round(y, int(rng.integers(0, 3)))
        ys.append(y)
        vs.append(v)
    starts = np.r_[0, np.cumsum(ks)]
    mask = np.zeros((n, starts[-1]))
    for i in range(n):
        mask[i, starts[i]:starts[i + 1]] = 1.0
    return np.concatenate(ys), np.concatenate(vs), mask


SCORES = {"ML": estimators._score_ml, "REML": estimators._score_reml,
          "PM": estimators._score_pm, "EB": estimators._score_pm}


def failures(y, v, mask, method: str) -> np.ndarray:
    """Rows whose estimate did not converge, is not finite, or (when positive) is not a
    root of the estimating equation to 1e-6 relative to its scale."""
    X = np.ones((y.size, 1))
    est = estimators.estimate_tau2(y, v, X, mask, method)
    bad = ~est.converged | ~np.isfinite(est.tau2) | (est.tau2 < 0)
    pos = np.flatnonzero(~bad & (est.tau2 > 0))
    if pos.size:
        df = mask[pos].sum(axis=1) - 1
        yc = estimators._centered(y, mask[pos])
        f, step, _ = SCORES[method](yc, v, X, mask[pos], df, est.tau2[pos])
        bad[pos] |= np.abs(step) > 1e-6 * np.maximum(est.tau2[pos], 1e-8)
    return np.flatnonzero(bad)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--batch", type=int, default=100)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    bad = {m: 0 for m in ("ML", "REML", "PM")}
    done = 0
    while done < args.datasets:
        n = min(args.batch, args.datasets - done)
        y, v, mask = random_datasets(rng, n)
        for m in bad:
            rows = failures(y, v, mask, m)
            bad[m] += rows.size
            for r in rows[:3]:
                sel = mask[r] > 0
                print(f"{m} failed: yi={y[sel].tolist()} vi={v[sel].tolist()}", file=sys.stderr)
        done += n
    secs = time.perf_counter() - t0
    print(f"{done} datasets (seed {args.seed}), {secs:.0f} s: "
          + ", ".join(f"{m} {b} failures" for m, b in bad.items()) + " (EB solves the PM equation)")
    return 1 if any(bad.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
