"""Cohen's kappa for two reviewers, with its large-sample standard error and Wald interval.

Kappa (Cohen 1960) compares the observed proportion of agreement :math:`p_o` with the
proportion expected if both reviewers decided independently with their own marginal rates,
:math:`p_e = \\sum_i p_{i\\cdot} p_{\\cdot i}`:

.. math:: \\kappa = (p_o - p_e) / (1 - p_e).

Standard error (Fleiss, Cohen & Everitt 1969, eq. 13; Fleiss, Levin & Paik 2003, eq. 18.13),
with :math:`p_{ij}` the cell proportions of the :math:`k \\times k` table and :math:`n`
records rated by both reviewers:

.. math::

    \\widehat{\\mathrm{Var}}(\\hat\\kappa) = \\frac{1}{n (1 - p_e)^2} \\Big[
        \\sum_i p_{ii} \\{1 - (p_{i\\cdot} + p_{\\cdot i})(1 - \\hat\\kappa)\\}^2
      + (1 - \\hat\\kappa)^2 \\sum_{i \\ne j} p_{ij} (p_{\\cdot i} + p_{j\\cdot})^2
      - \\{\\hat\\kappa - p_e (1 - \\hat\\kappa)\\}^2 \\Big].

The 95% interval is :math:`\\hat\\kappa \\pm z_{0.975}\\,\\mathrm{SE}`, the same formula SAS
PROC FREQ and ``statsmodels.stats.inter_rater.cohens_kappa`` use, truncated to kappa's range
[-1, 1] (with few records the Wald interval can pass 1; statsmodels does not truncate).

References
----------
Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
Psychological Measurement*, 20(1), 37-46.

Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of kappa and
weighted kappa. *Psychological Bulletin*, 72(5), 323-327.

Fleiss, J. L., Levin, B., & Paik, M. C. (2003). *Statistical Methods for Rates and
Proportions* (3rd ed.), chapter 18. Wiley.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm


@dataclass(frozen=True)
class KappaResult:
    """Cohen's kappa between two reviewers on the records both rated.

    Attributes
    ----------
    n : int
        Records rated by both reviewers.
    agreement : float
        Observed proportion of agreement :math:`p_o`.
    expected : float
        Chance agreement :math:`p_e` from the two reviewers' marginal rates.
    kappa, se, ci_low, ci_high : float
        Estimate, large-sample standard error and Wald interval truncated to [-1, 1]; NaN
        when kappa is not
        defined (no records, or both reviewers used one and the same category so that
        :math:`p_e = 1`).
    level : float
        Confidence level of the interval (0.95 by default).
    categories : tuple of str
        Row/column labels of :attr:`table`.
    table : numpy.ndarray, shape (k, k)
        Counts: rows the first reviewer, columns the second.
    """

    n: int
    agreement: float
    expected: float
    kappa: float
    se: float
    ci_low: float
    ci_high: float
    level: float
    categories: tuple[str, ...]
    table: np.ndarray


def contingency(a: Sequence[str], b: Sequence[str], categories: Sequence[str]) -> np.ndarray:
    """Cross-tabulate two reviewers' decisions on the same records.

    Parameters
    ----------
    a, b : sequence of str, same length
        Decisions of reviewer A and B, record by record.
    categories : sequence of str
        All labels, in the order of the table's rows and columns.

    Returns
    -------
    numpy.ndarray, shape (k, k)
        ``table[i, j]`` counts records A labelled ``categories[i]`` and B ``categories[j]``.

    Examples
    --------
    >>> contingency(["in", "out", "out"], ["in", "in", "out"], ["in", "out"]).tolist()
    [[1, 0], [1, 1]]
    """
    if len(a) != len(b):
        raise ValueError(f"the two decision lists differ in length: {len(a)} and {len(b)}")
    index = {c: i for i, c in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)), dtype=int)
    for x, y in zip(a, b):
        try:
            table[index[x], index[y]] += 1
        except KeyError as e:
            raise ValueError(f"decision {e.args[0]!r} is not one of {list(categories)}") from e
    return table


def cohens_kappa(table: np.ndarray | Sequence[Sequence[int]], *, level: float = 0.95,
                 categories: Sequence[str] | None = None) -> KappaResult:
    """Unweighted Cohen's kappa with the Fleiss-Cohen-Everitt standard error.

    Parameters
    ----------
    table : array_like, shape (k, k)
        Counts of records by reviewer A's (rows) and reviewer B's (columns) decision.
    level : float, default 0.95
        Confidence level of the Wald interval.
    categories : sequence of str, optional
        Labels of the rows and columns (default ``"1".."k"``).

    Returns
    -------
    KappaResult

    Notes
    -----
    See the module docstring for the formulas and their sources. Kappa is undefined when
    :math:`p_e = 1` (both reviewers put every record in the same single category): perfect
    raw agreement then carries no information about chance-corrected agreement, and NaN is
    returned rather than 1.

    Examples
    --------
    >>> r = cohens_kappa([[20, 5], [10, 15]])
    >>> round(r.kappa, 4), round(r.agreement, 2)
    (0.4, 0.7)
    """
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ValueError(f"the table must be square; got shape {t.shape}")
    k = t.shape[0]
    labels = tuple(categories) if categories is not None else tuple(str(i + 1) for i in range(k))
    n = int(round(t.sum()))
    nan = float("nan")
    if n == 0:
        return KappaResult(0, nan, nan, nan, nan, nan, nan, level, labels, t.astype(int))
    p = t / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po = float(np.trace(p))
    pe = float(rows @ cols)
    if math.isclose(pe, 1.0):
        return KappaResult(n, po, pe, nan, nan, nan, nan, level, labels, t.astype(int))
    kappa = (po - pe) / (1 - pe)
    diag = np.diag(p)
    term_a = float(np.sum(diag * (1 - (rows + cols) * (1 - kappa)) ** 2))
    # off-diagonal cell (i, j) is weighted by (p_.i + p_j.)^2
    weights = (cols[:, None] + rows[None, :]) ** 2
    off = p * weights
    np.fill_diagonal(off, 0.0)
    term_b = (1 - kappa) ** 2 * float(off.sum())
    term_c = (kappa - pe * (1 - kappa)) ** 2
    var = (term_a + term_b - term_c) / (n * (1 - pe) ** 2)
    se = math.sqrt(max(var, 0.0))
    z = float(norm.ppf(0.5 + level / 2))
    low, high = max(kappa - z * se, -1.0), min(kappa + z * se, 1.0)
    return KappaResult(n, po, pe, kappa, se, low, high, level, labels, t.astype(int))
