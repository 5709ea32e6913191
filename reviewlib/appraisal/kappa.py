"""Weighted kappa for ordered answers (Cohen 1968), with the Fleiss-Cohen-Everitt SE.

With agreement weights :math:`w_{ij}` (1 on the diagonal; linear weights
:math:`w_{ij} = 1 - |i - j| / (k - 1)`), observed and chance agreement are
:math:`p_o = \\sum_{ij} w_{ij} p_{ij}` and :math:`p_e = \\sum_{ij} w_{ij} p_{i\\cdot}
p_{\\cdot j}`, and :math:`\\kappa_w = (p_o - p_e) / (1 - p_e)`. Its large-sample variance
(Fleiss, Cohen & Everitt 1969, eq. 8; Fleiss, Levin & Paik 2003, eq. 18.29) is

.. math::

    \\widehat{\\mathrm{Var}}(\\hat\\kappa_w) = \\frac{1}{n (1 - p_e)^2} \\Big[
        \\sum_{ij} p_{ij} \\{w_{ij} - (\\bar w_{i\\cdot} + \\bar w_{\\cdot j})
        (1 - \\hat\\kappa_w)\\}^2 - \\{\\hat\\kappa_w - p_e (1 - \\hat\\kappa_w)\\}^2 \\Big],

with :math:`\\bar w_{i\\cdot} = \\sum_j p_{\\cdot j} w_{ij}` and :math:`\\bar w_{\\cdot j} =
\\sum_i p_{i\\cdot} w_{ij}`. With identity weights this is the unweighted kappa and its SE
(:func:`reviewlib.screening.kappa.cohens_kappa`). The interval is Wald, truncated to [-1, 1]
as at screening.

References
----------
Cohen, J. (1968). Weighted kappa: nominal scale agreement with provision for scaled
disagreement or partial credit. *Psychological Bulletin*, 70(4), 213-220.

Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of kappa and
weighted kappa. *Psychological Bulletin*, 72(5), 323-327.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.stats import norm

from reviewlib.screening.kappa import KappaResult


def linear_weights(k: int) -> np.ndarray:
    """Agreement weights ``1 - |i - j| / (k - 1)`` of a ``k x k`` table."""
    if k < 2:
        return np.ones((k, k))
    i = np.arange(k)
    return 1.0 - np.abs(i[:, None] - i[None, :]) / (k - 1)


def weighted_kappa(table: np.ndarray | Sequence[Sequence[int]], *, level: float = 0.95,
                   categories: Sequence[str] | None = None,
                   weights: np.ndarray | None = None) -> KappaResult:
    """Cohen's weighted kappa (linear agreement weights by default) with its Wald interval.

    Parameters
    ----------
    table : array_like, shape (k, k)
        Counts by reviewer A's (rows) and B's (columns) answer, categories in their order.
    level : float, default 0.95
    categories : sequence of str, optional
    weights : numpy.ndarray, shape (k, k), optional
        Agreement weights (default :func:`linear_weights`).

    Returns
    -------
    KappaResult
        ``agreement`` and ``expected`` are the *weighted* proportions; kappa is NaN when
        :math:`p_e = 1` or there are no records.

    Examples
    --------
    >>> r = weighted_kappa([[5, 1, 0], [1, 4, 1], [0, 1, 2]])
    >>> round(r.kappa, 4)
    0.6667
    """
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ValueError(f"the table must be square; got shape {t.shape}")
    k = t.shape[0]
    w = linear_weights(k) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != t.shape:
        raise ValueError(f"weights have shape {w.shape}, the table {t.shape}")
    labels = tuple(categories) if categories is not None else tuple(str(i + 1) for i in range(k))
    n = int(round(t.sum()))
    p = t / n if n else t
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po = float(np.sum(w * p)) if n else float("nan")
    pe = float(np.sum(w * np.outer(rows, cols))) if n else float("nan")
    if not n or math.isclose(pe, 1.0):   # no records, or one shared category: undefined
        undefined = (float("nan"),) * 4
        return KappaResult(n, po, pe, *undefined, level, labels, t.astype(int))
    kappa = (po - pe) / (1 - pe)
    wi = w @ cols          # \bar w_{i.}
    wj = rows @ w          # \bar w_{.j}
    inner = (w - (wi[:, None] + wj[None, :]) * (1 - kappa)) ** 2
    var = (float(np.sum(p * inner)) - (kappa - pe * (1 - kappa)) ** 2) / (n * (1 - pe) ** 2)
    se = math.sqrt(max(var, 0.0))
    z = float(norm.ppf(0.5 + level / 2))
    return KappaResult(n, po, pe, kappa, se, max(kappa - z * se, -1.0),
                       min(kappa + z * se, 1.0), level, labels, t.astype(int))
