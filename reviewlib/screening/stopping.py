"""When is it safe to stop screening? The hypergeometric test of Callaghan & Müller-Hansen.

Callaghan M.W., Müller-Hansen F. (2020) "Statistical stopping criteria for automated
screening in systematic reviews", *Systematic Reviews* 9:273.

The set-up: ``r_before`` relevant records were found among the records screened before a
*random sample* is drawn from the ``n_urn`` records still unscreened at that moment. After
``n`` records of the sample are screened, ``k`` of them relevant, the null hypothesis is

    H0: recall so far < target  (so many relevant records remain that we must go on).

Recall so far is ``(r_before + k) / (r_before + K)`` with ``K`` the unknown number of
relevant records in the urn. H0 holds exactly when ``K ≥ K_tar``, the smallest integer with
``(r_before + k) / (r_before + K) < target``, i.e.
``K_tar = floor((r_before + k) / target − r_before) + 1``. Drawing without replacement, the
number of relevant records in the sample is hypergeometric, and the chance of seeing at most
``k`` is largest for the smallest ``K`` under H0, so

    p = P(X ≤ k),  X ~ Hypergeometric(population n_urn, successes K_tar, draws n)

bounds the p-value of every ``K`` under H0. When ``p < 1 − confidence`` H0 is rejected:
"recall has reached the target" at that confidence, and screening may stop.

Assumptions (stated wherever the test is reported):

* the sample is drawn at random from *all* records left unscreened at the moment of drawing,
  and the sampled records are screened without choosing among them by their content (in
  the listed order, or all of them);
* reviewers' decisions on the sample are final; "relevant" means include or maybe;
* recall is measured against the records in the collection: relevant work the searches
  missed is outside any stopping rule.

Applied to records screened in the model's order instead of at random (:func:`ranked_stop`),
the test treats the most recently screened records as if they were a random sample of what
was left. Where the model ranks better than chance this is conservative (relevant records
are over-represented in what was screened, so few found is stronger evidence than a random
sample would give); the paper uses it in that spirit, and the benchmark measures how often
it stops early.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import hypergeom


@dataclass(frozen=True)
class StopTest:
    """Result of the stopping test.

    ``p`` is the p-value of H0 "recall < target"; ``stop`` is ``p < 1 − confidence``;
    ``recall_estimate`` the point estimate of recall so far (relevant records in the urn
    estimated as ``k / n · n_urn``); ``recall_lower`` the lowest recall not rejected at the
    confidence (a one-sided confidence bound).
    """

    n_urn: int
    n_sampled: int
    k_found: int
    r_before: int
    target: float
    confidence: float
    p: float
    stop: bool
    recall_estimate: float
    recall_lower: float


def _k_tar(r_seen: int, r_before: int, target: float) -> int:
    return math.floor(round(r_seen / target - r_before, 9)) + 1


def _alpha(confidence: float) -> float:
    # 1 - 0.95 is 0.05000000000000004 in floating point; a p of exactly 0.05 must not pass
    return round(1 - confidence, 12) - 1e-12


def sample_p_values(n_urn: int, r_before: int, sample_labels, target: float = 0.95,
                    ) -> np.ndarray:
    """p-value of H0 after each record of a random sample screened in order.

    ``sample_labels`` are the decisions (1 relevant) of the sampled records in the order
    screened; element ``i`` of the result is :func:`stopping_test`'s ``p`` after ``i + 1``
    of them. Used to replay the test quickly in simulations.
    """
    y = np.asarray(sample_labels, dtype=int)
    n = np.arange(1, len(y) + 1)
    k = np.cumsum(y)
    k_tar = np.floor(np.round((r_before + k) / target - r_before, 9)).astype(int) + 1
    p = hypergeom.cdf(k, n_urn, np.minimum(k_tar, n_urn), n)
    return np.where(k_tar - k > n_urn - n, 0.0, p)


def stopping_test(n_urn: int, n_sampled: int, k_found: int, r_before: int,
                  target: float = 0.95, confidence: float = 0.95) -> StopTest:
    """Hypergeometric test of H0 "recall < target" after screening part of a random sample.

    Parameters
    ----------
    n_urn : int
        Records unscreened when the sample was drawn (the population sampled).
    n_sampled : int
        Records of the sample screened so far (0 ≤ n_sampled ≤ n_urn).
    k_found : int
        Relevant records among them.
    r_before : int
        Relevant records found before the sample was drawn.
    target : float, default 0.95
        Recall to reach, in (0, 1].
    confidence : float, default 0.95

    Examples
    --------
    50 relevant found, then a random sample of 500 from 5,000 unscreened records with none
    relevant: were 3 left (recall 50/53 < 95 %), such a sample would miss them all with
    probability 0.729, so the target is not shown.

    >>> t = stopping_test(5000, 500, 0, 50)
    >>> round(t.p, 3), t.stop
    (0.729, False)
    """
    if not 0 < target <= 1 or not 0 < confidence < 1:
        raise ValueError("target must be in (0, 1] and confidence in (0, 1)")
    if not 0 <= n_sampled <= n_urn or not 0 <= k_found <= n_sampled or r_before < 0:
        raise ValueError("need 0 <= k_found <= n_sampled <= n_urn and r_before >= 0")
    alpha = _alpha(confidence)
    r_seen = r_before + k_found
    k_tar = _k_tar(r_seen, r_before, target)
    unseen = n_urn - n_sampled
    if k_tar - k_found > unseen:
        p = 0.0   # H0 needs more relevant records than remain unscreened: impossible
    else:
        p = float(hypergeom.cdf(k_found, n_urn, k_tar, n_sampled))
    if n_sampled:
        k_hat = k_found / n_sampled * n_urn
    else:
        k_hat = math.nan
    est = r_seen / (r_before + k_hat) if r_before + k_hat > 0 else 1.0
    # lowest recall not rejected: the largest K in the urn with P(X <= k) >= alpha
    ks = np.arange(k_found, k_found + unseen + 1)
    ok = ks[hypergeom.cdf(k_found, n_urn, ks, n_sampled) >= alpha]
    k_max = int(ok.max()) if len(ok) else k_found
    lower = r_seen / (r_before + k_max) if r_before + k_max > 0 else 1.0
    return StopTest(n_urn, n_sampled, k_found, r_before, target, confidence, p, p < alpha,
                    float(min(est, 1.0)), float(lower))


def ranked_p_values(labels_in_order, n_total: int, target: float = 0.95) -> float:
    """Smallest p-value of H0 over every "last n screened" window of a ranked order.

    ``labels_in_order`` are the decisions (1 relevant) of the records screened so far, in
    the order screened; ``n_total`` the size of the collection. For each n, the last n
    screened are taken as the sample, drawn from the ``n_total − (screened − n)`` records
    unscreened before them (Callaghan & Müller-Hansen's ranked quasi-sampling).
    """
    y = np.asarray(labels_in_order, dtype=int)
    m = len(y)
    if m == 0:
        return 1.0
    r_seen = int(y.sum())
    k = np.cumsum(y[::-1])                 # relevant among the last n, n = 1..m
    n = np.arange(1, m + 1)
    r_before = r_seen - k
    k_tar = np.floor(np.round(r_seen / target - r_before, 9)).astype(int) + 1
    urn = n_total - (m - n)
    p = hypergeom.cdf(k, urn, np.minimum(k_tar, urn), n)
    p = np.where(k_tar - k > urn - n, 0.0, p)
    return float(p.min())


def ranked_stop(labels_in_order, n_total: int | None = None, target: float = 0.95,
                confidence: float = 0.95, min_screened: int = 0) -> int | None:
    """Records screened (1-based) when the ranked test first says stop, or None.

    ``labels_in_order`` lists the decisions in screening order; the test is run after every
    record from ``min_screened`` on (the first include must have been seen).
    """
    y = np.asarray(labels_in_order, dtype=int)
    n_total = len(y) if n_total is None else n_total
    alpha = _alpha(confidence)
    first = int(np.argmax(y)) + 1 if y.any() else len(y)
    for i in range(max(first, min_screened, 1), len(y) + 1):
        if ranked_p_values(y[:i], n_total, target) < alpha:
            return i
    return None
