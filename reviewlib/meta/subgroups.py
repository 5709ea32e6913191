"""Subgroup analysis: a model per group and the test for differences between groups.

Two ways, as in R metafor:

``tau2="separate"`` (default)
    Each group is pooled on its own, with its own tau^2 (``rma(..., subset = group == g)``);
    the groups are then compared with a fixed-effect meta-analysis of their estimates,
    whose Q statistic is the between-group test Q_b with g - 1 df (Borenstein et al. 2009,
    ch. 19; metafor's "comparing estimates of independent meta-analyses").  A group with a
    single study is reported as that study (fixed effect, z test), as metafor does for k = 1.
``tau2="common"``
    One mixed-effects model with the group as a categorical moderator and a tau^2 shared
    by all groups (``rma(yi, vi, mods = ~ factor(group))``); Q_b is its omnibus Q_M test
    (an F test under Knapp-Hartung), and the group estimates come from the same model
    without an intercept.

References
----------
Borenstein M, Hedges LV, Higgins JPT, Rothstein HR (2009). Introduction to
Meta-Analysis. Wiley.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from reviewlib.errors import ConvergenceError, UsageError
from reviewlib.meta import core


@dataclass(frozen=True)
class BetweenGroupTest:
    """Test for subgroup differences; unpacks as ``(qb, pval)``.

    ``df`` is g - 1; ``ddf`` the denominator df of the F test (NaN for chi^2).
    """

    qb: float
    df: float
    ddf: float
    pval: float

    def __iter__(self):
        return iter((self.qb, self.pval))


@dataclass(frozen=True, eq=False)
class SubgroupResult:
    """Per-group results and the between-group test.

    Attributes
    ----------
    table : DataFrame
        One row per group: group, k, estimate, se, ci_low, ci_high, tau2, i2, q, q_p,
        pi_low, pi_high (heterogeneity columns are per group for "separate").
    results : dict
        Group -> MetaResult (``tau2="separate"`` only; empty for "common").
    test : BetweenGroupTest
    tau2_mode : str
    overall : MetaResult
        The model over all studies.
    groups : ndarray
        The group of each study, as given.
    """

    table: pd.DataFrame
    results: dict
    test: BetweenGroupTest
    tau2_mode: str
    overall: object
    groups: np.ndarray

    def to_dict(self) -> dict:
        """JSON-ready: the table as a list of records plus the test."""
        recs = self.table.replace({np.nan: None}).to_dict(orient="records")
        return {"tau2_mode": self.tau2_mode, "groups": recs,
                "test": {"qb": self.test.qb, "df": self.test.df,
                         "ddf": None if np.isnan(self.test.ddf) else self.test.ddf,
                         "pval": self.test.pval}}


def _row(name, r) -> dict:
    return {"group": name, "k": r.k, "method": r.method, "estimate": r.estimate, "se": r.se,
            "ci_low": r.ci_low, "ci_high": r.ci_high, "tau2": r.tau2, "i2": r.i2, "q": r.q,
            "q_p": r.q_pvalue, "pi_low": r.pi_low, "pi_high": r.pi_high}


def subgroup(res, groups, tau2: str = "separate") -> SubgroupResult:
    """Fit the model of ``res`` within each group and test whether the groups differ.

    Parameters
    ----------
    res : MetaResult
    groups : array-like, shape (k,)
        Group of each study (any hashable values; missing values and blank strings are
        refused).
    tau2 : {"separate", "common"}

    Returns
    -------
    SubgroupResult

    Raises
    ------
    UsageError
        Groups that do not match the studies, a missing group, fewer than two groups, or
        (``tau2="separate"``) a group whose estimate has SE 0, which leaves the
        between-group test undefined.

    Examples
    --------
    >>> from reviewlib.meta import pool
    >>> res = pool([0.1, 0.2, 0.8, 0.9], [0.02, 0.03, 0.02, 0.03], method="DL")
    >>> round(res.subgroup(["a", "a", "b", "b"]).test.qb, 2)
    20.42
    """
    g = np.asarray(pd.Series(list(groups), dtype=object))
    if g.shape != (res.k,):
        raise UsageError(f"groups has {g.size} values for {res.k} studies")
    missing = pd.isna(g) | np.array([isinstance(x, str) and x.strip() == "" for x in g],
                                    dtype=bool)  # a blank text cell is missing too
    if missing.any():
        raise UsageError("group is missing for study "
                         + ", ".join(str(i + 1) for i in np.flatnonzero(missing)[:10]))
    labels = g.astype(str)
    levels = sorted(set(labels))
    if len(levels) < 2:
        raise UsageError(f"subgroup analysis needs at least 2 groups; all studies are in {levels[0]!r}")
    if tau2 == "separate":
        return _separate(res, labels, levels, g)
    if tau2 == "common":
        return _common(res, labels, levels, g)
    raise UsageError(f"tau2 must be 'separate' or 'common', not {tau2!r}")


def _separate(res, labels, levels, g) -> SubgroupResult:
    results, rows = {}, []
    for lv in levels:
        idx = np.flatnonzero(labels == lv)
        sub_labels = [res.labels[i] for i in idx]
        if len(idx) == 1:  # one study: its own estimate, as metafor's k = 1 fit
            r = res._with_data(res.yi[idx], res.vi[idx], sub_labels, method="FE", test="z")
        else:
            r = res._with_data(res.yi[idx], res.vi[idx], sub_labels)
        results[lv] = r
        rows.append(_row(lv, r))
    est = np.array([r.estimate for r in results.values()])
    se = np.array([r.se for r in results.values()])
    if np.any(se <= 0):
        # Knapp-Hartung gives SE 0 when a group's effects are identical (as metafor does);
        # the inverse-variance comparison of the groups is then undefined.
        zero = [lv for lv, s in zip(levels, se) if s <= 0]
        raise UsageError(
            "the test for subgroup differences needs a positive standard error in every "
            f"group; group(s) {', '.join(repr(str(z)) for z in zero)} have SE 0 (identical effects under "
            "the Knapp-Hartung adjustment); compare the groups without that adjustment "
            "(test='z'; on the command line, leave out --knha) or with tau2='common'")
    w = 1.0 / se**2
    theta = np.sum(w * est) / w.sum()
    qb = float(np.sum(w * (est - theta) ** 2))
    df = len(levels) - 1
    test = BetweenGroupTest(qb=qb, df=float(df), ddf=float("nan"), pval=float(sps.chi2.sf(qb, df)))
    return SubgroupResult(table=pd.DataFrame(rows), results=results, test=test,
                          tau2_mode="separate", overall=res, groups=g)


def _common(res, labels, levels, g) -> SubgroupResult:
    k = res.k
    onehot = np.column_stack([(labels == lv).astype(float) for lv in levels])
    X_int = np.column_stack([np.ones(k), onehot[:, 1:]])
    mask = np.ones((1, k))
    with_int = core.fit_batch(res.yi, res.vi, X_int, mask, res.method, res.test, res.level)
    cells = core.fit_batch(res.yi, res.vi, onehot, mask, res.method, res.test, res.level)
    if not (with_int.converged[0] and cells.converged[0]):
        raise ConvergenceError(f"the {res.method} estimator of tau^2 did not converge")
    tau2 = float(cells.tau2[0])
    crit = float(cells.crit[0])
    rows = []
    for j, lv in enumerate(levels):
        b, s = float(cells.beta[0, j]), float(cells.se[0, j])
        sd = np.sqrt(s**2 + tau2)
        rows.append({"group": lv, "k": int((labels == lv).sum()), "method": res.method,
                     "estimate": b, "se": s, "ci_low": float(cells.ci_low[0, j]),
                     "ci_high": float(cells.ci_high[0, j]), "tau2": tau2,
                     "i2": float(cells.i2[0]), "q": float("nan"), "q_p": float("nan"),
                     "pi_low": b - crit * sd, "pi_high": b + crit * sd})
    test = BetweenGroupTest(qb=float(with_int.qm[0]), df=float(with_int.qm_df[0]),
                            ddf=float(with_int.qm_ddf[0]), pval=float(with_int.qm_p[0]))
    return SubgroupResult(table=pd.DataFrame(rows), results={}, test=test, tau2_mode="common",
                          overall=res, groups=g)
