"""Measures of a screening order and the hypergeometric stopping test.

The measures are checked on orders small enough to count by hand; the stopping test against
the hypergeometric probability written out with binomial coefficients (so the check does
not rest on scipy) and for calibration by simulation.
"""

import math

import numpy as np
import pytest

from reviewlib.screening import prioritise as P
from reviewlib.screening.stopping import (
    ranked_p_values,
    ranked_stop,
    sample_p_values,
    stopping_test,
)


def test_wss_recall_loss_by_hand():
    # 10 records, 4 relevant, found at positions 1, 2, 5, 9
    y = [1, 1, 0, 0, 1, 0, 0, 0, 1, 0]
    # 95%: ceil(3.8) = 4 found at record 9 -> (10 - 9)/10 - 0.05
    assert P.wss(y, 0.95) == pytest.approx(0.05)
    assert P.wss(y, 1.0) == pytest.approx(0.1)
    assert P.recall_at(y, 0.10) == pytest.approx(0.25)   # first record only
    assert P.recall_at(y, 0.50) == pytest.approx(0.75)
    # loss: trapezoid areas of the found-counts 1,2,2,2,3,3,3,3,4,4 (actual: 24.5),
    # 1,2,3,4,4,...,4 (best: 31.5) and 0,...,0,1,2,3,4 (worst: 8)
    assert P.loss(y) == pytest.approx((31.5 - 24.5) / (31.5 - 8))


def test_perfect_and_worst_orders():
    y = np.array([1] * 5 + [0] * 95)
    assert P.loss(y) == 0.0
    assert P.loss(y[::-1]) == 1.0
    assert P.wss(y, 1.0) == pytest.approx(0.95)
    assert P.recall_at(y, 0.10) == 1.0
    assert P.n_to_recall(y[::-1], 0.95) == 100


def _cdf(k, population, successes, draws):
    total = math.comb(population, draws)
    return sum(math.comb(successes, i) * math.comb(population - successes, draws - i)
               for i in range(0, k + 1)) / total


@pytest.mark.parametrize("urn,n,k,r_before", [(5000, 500, 0, 50), (300, 120, 1, 40),
                                              (80, 80, 2, 10), (1000, 30, 0, 5)])
def test_stopping_test_matches_the_formula(urn, n, k, r_before):
    t = stopping_test(urn, n, k, r_before, target=0.95, confidence=0.95)
    # smallest number left in the urn that keeps recall below 95 %
    k_tar = next(K for K in range(urn + 1) if (r_before + k) / (r_before + K) < 0.95)
    expected = 0.0 if k_tar - k > urn - n else _cdf(k, urn, k_tar, n)
    assert t.p == pytest.approx(expected, rel=1e-9, abs=1e-15)
    assert t.stop == (expected < 0.05)
    assert 0 < t.recall_lower <= t.recall_estimate <= 1


def test_stopping_test_worked_example():
    # 50 found, then 500 of 5,000 unscreened records with none relevant: if 3 remained
    # (recall 50/53 < 95 %) a sample of 500 would miss all of them with chance ~0.729
    t = stopping_test(5000, 500, 0, 50)
    assert t.p == pytest.approx(_cdf(0, 5000, 3, 500))
    assert not t.stop
    # with the whole urn screened and nothing found, recall is certainly 100 %
    full = stopping_test(5000, 5000, 0, 50)
    assert full.stop and full.p == 0.0 and full.recall_lower == 1.0


def test_sequential_p_values_match_the_single_test():
    y = np.array([0, 1, 0, 0, 0, 1] + [0] * 40)
    p = sample_p_values(500, 30, y)
    for n in (1, 2, 6, 20, 46):
        assert p[n - 1] == pytest.approx(stopping_test(500, n, int(y[:n].sum()), 30).p)


def test_stopping_test_is_calibrated():
    """Whenever the real recall is below the target, the test must say stop in at most
    5 % of random samples (95 % confidence). Checked over urns of different sizes and
    numbers of relevant records left, sampling in random order and testing after every
    record; the stop counts as early when recall at that point is still below 95 %."""
    rng = np.random.default_rng(12)
    early = trials = 0
    for urn, r_before, left in [(400, 38, 3), (400, 19, 2), (1000, 60, 4), (200, 10, 1),
                                (300, 50, 6)]:
        for _ in range(120):
            y = np.zeros(urn, dtype=int)
            y[rng.choice(urn, left, replace=False)] = 1
            p = sample_p_values(urn, r_before, y)
            trials += 1
            stops = np.flatnonzero(p < 0.05)
            if len(stops):
                found = r_before + y[:stops[0] + 1].sum()
                early += found / (r_before + left) < 0.95
    # 5 % plus three binomial standard errors of 600 trials
    assert early / trials <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / trials)


def test_ranked_test_on_orders():
    n = 200
    perfect = np.array([1] * 10 + [0] * (n - 10))
    stop = ranked_stop(perfect, n, min_screened=2)
    assert stop is not None and perfect[:stop].sum() == 10
    # nothing is concluded while relevant records keep coming
    assert ranked_p_values(np.ones(10, dtype=int), n) > 0.05
    # relevant records last: only the end of the list shows that none is left
    assert ranked_stop(perfect[::-1], n) == n


def test_bad_arguments():
    with pytest.raises(ValueError):
        stopping_test(10, 11, 0, 1)
    with pytest.raises(ValueError):
        stopping_test(10, 5, 0, 1, target=1.5)
