"""Sensitivity analyses of a pooled model: leave-one-out, case influence, cumulative.

Each is a batch of refits done at once (see :func:`reviewlib.meta.core.fit_subsets`), so
k = 1,000 studies take a fraction of a second.  Every column has the meaning it has in
R metafor (``leave1out``, ``influence.rma.uni``, ``cumul``; Viechtbauer & Cheung 2010).
Fits whose estimator failed to converge are kept, flagged in a ``converged`` column,
rather than silently dropped.

References
----------
Viechtbauer W, Cheung MW-L (2010). Outlier and influence diagnostics for meta-analysis.
Res Synth Methods 1(2):112-125.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from reviewlib.errors import UsageError
from reviewlib.meta import core

#: Residuals smaller than this are set to exactly 0 (metafor: 100 * .Machine$double.eps).
RESID_ZERO = 100 * np.finfo(float).eps


def _loo_rows(k: int):
    def rows(a: int, b: int) -> np.ndarray:
        out = np.ones((b - a, k))
        out[np.arange(b - a), np.arange(a, b)] = 0.0
        return out
    return rows


def loo_fit(res) -> core.BatchFit:
    """The k leave-one-out refits of ``res`` as one batch."""
    if res.k < 2:
        raise UsageError("leave-one-out needs at least 2 studies")
    return core.fit_subsets(res.yi, res.vi, core.intercept_design(res.k), _loo_rows(res.k),
                            res.k, res.method, res.test, res.level)


def _frame(fit: core.BatchFit, labels, test: str) -> pd.DataFrame:
    stat = "zval" if test == "z" else "tval"
    return pd.DataFrame({
        "label": list(labels), "k": fit.k.astype(int), "estimate": fit.beta[:, 0],
        "se": fit.se[:, 0], stat: fit.stat[:, 0], "pval": fit.pval[:, 0],
        "ci_low": fit.ci_low[:, 0], "ci_high": fit.ci_high[:, 0], "q": fit.q, "q_p": fit.q_p,
        "tau2": fit.tau2, "i2": fit.i2, "h2": fit.h2, "pi_low": fit.pi_low,
        "pi_high": fit.pi_high, "converged": fit.converged})


def leave_one_out(res, fit: core.BatchFit | None = None) -> pd.DataFrame:
    """Refit the model without each study in turn (metafor ``leave1out.rma.uni``).

    Parameters
    ----------
    res : MetaResult
    fit : BatchFit, optional
        The refits if already computed (:func:`loo_fit`).

    Returns
    -------
    DataFrame
        One row per omitted study (``label`` names it): ``k``, ``estimate``, ``se``,
        ``zval`` (``tval`` under Knapp-Hartung), ``pval``, ``ci_low``, ``ci_high``, ``q``,
        ``q_p``, ``tau2``, ``i2``, ``h2``, ``pi_low``, ``pi_high``, ``converged``.

    Examples
    --------
    >>> from reviewlib.meta import pool
    >>> pool([0.1, 0.5, 0.9], [0.04, 0.02, 0.05], method="DL").leave_one_out().shape[0]
    3
    """
    return _frame(loo_fit(res) if fit is None else fit, res.labels, res.test)


def influence(res, fit: core.BatchFit | None = None) -> pd.DataFrame:
    """Case diagnostics of an intercept-only model (metafor ``influence.rma.uni``).

    For study i, with "(-i)" the model refitted without it (same estimator and test):

    - ``rstudent``: externally standardised residual
      ``(y_i - b(-i)) / sqrt(s2w(-i) (v_i + tau2(-i)) + var(b(-i)))``;
    - ``dffits``: ``(b - b(-i)) / sqrt(s2w(-i) h_i (tau2(-i) + v_i))``;
    - ``cook_d``: ``(b - b(-i))^2 / var(b)``;
    - ``cov_r``: ``var(b(-i)) / var(b)``;
    - ``tau2_del``, ``qe_del``: tau^2 and Q without study i;
    - ``hat``: leverage ``w_i / sum w``; ``weight``: ``100 w_i / sum w`` (w = 1/(v + tau^2));
    - ``dfbetas``: ``(b - b(-i)) / sqrt(s2w(-i) / sum_j 1/(v_j + tau2(-i)))``;
    - ``inf``: True when any of metafor's cut-offs is passed: ``|dffits| > 3 sqrt(p/(k-p))``,
      ``P(chi^2_1 <= cook_d) > 0.5``, ``hat > 3p/k`` or ``|dfbetas| > 1`` (p = 1).

    ``s2w`` is the Knapp-Hartung scale (1 under the z test).

    Examples
    --------
    >>> from reviewlib.meta import pool
    >>> inf = pool([0.1, 0.5, 0.9, 2.5], [0.04, 0.02, 0.05, 0.03]).influence()
    >>> bool(inf["weight"].sum().round(6) == 100)
    True
    """
    loo = loo_fit(res) if fit is None else fit
    y, v = res.yi, res.vi
    w = res.weights
    sw = w.sum()
    hat = w / sw
    var_full = res.se**2
    b_del = loo.beta[:, 0]
    vb_del = loo.se[:, 0] ** 2
    s2w_del = loo.s2w
    tau2_del = loo.tau2
    diff = res.estimate - b_del
    with np.errstate(divide="ignore", invalid="ignore"):
        resid = y - b_del
        resid = np.where(np.abs(resid) < RESID_ZERO, 0.0, resid)
        rstudent = resid / np.sqrt(v * s2w_del + vb_del + tau2_del * s2w_del)
        dffits = diff / np.sqrt(s2w_del * hat * (tau2_del + v))
        # metafor's vb.del: all k studies weighted with the leave-one-out tau^2
        vb_all = 1.0 / np.sum(1.0 / (v[None, :] + tau2_del[:, None]), axis=1)
        dfbetas = diff / np.sqrt(s2w_del * vb_all)
        cook = diff**2 / var_full
        cov_r = vb_del / var_full
    p, k = 1, res.k
    flag = ((np.abs(dffits) > 3 * np.sqrt(p / (k - p))) | (sps.chi2.cdf(cook, p) > 0.5)
            | (hat > 3 * p / k) | (np.abs(dfbetas) > 1))
    return pd.DataFrame({
        "label": res.labels, "rstudent": rstudent, "dffits": dffits, "cook_d": cook,
        "cov_r": cov_r, "tau2_del": tau2_del, "qe_del": loo.q, "hat": hat,
        "weight": 100 * hat, "dfbetas": dfbetas, "inf": flag & ~np.isnan(dffits),
        "converged": loo.converged})


def cumulative(res, order=None) -> pd.DataFrame:
    """Cumulative meta-analysis: refit as the studies are added one at a time.

    Parameters
    ----------
    res : MetaResult
    order : array-like, shape (k,), optional
        Sort key for the studies (e.g. publication year); ties keep the data order, as R's
        ``order()``.  Default: the order of the data.

    Returns
    -------
    DataFrame
        Row j is the model fitted to the first j studies; ``label`` is the study added.
        Same columns as :func:`leave_one_out`.  The first row (one study) is the
        fixed-effect result of that study with a z test, as in metafor.

    Examples
    --------
    >>> from reviewlib.meta import pool
    >>> cum = pool([0.1, 0.5, 0.9], [0.04, 0.02, 0.05]).cumulative(order=[2001, 1999, 2005])
    >>> list(cum["label"])
    ['Study 2', 'Study 1', 'Study 3']
    """
    k = res.k
    if order is None:
        idx = np.arange(k)
    else:
        key = np.asarray(order)
        if key.shape != (k,):
            raise UsageError(f"order has {key.size} values for {k} studies")
        idx = np.argsort(key, kind="stable")
    y, v = res.yi[idx], res.vi[idx]

    def rows(a: int, b: int) -> np.ndarray:
        return (np.arange(k)[None, :] <= np.arange(a, b)[:, None]).astype(float)

    fit = core.fit_subsets(y, v, core.intercept_design(k), rows, k, res.method, res.test,
                           res.level)
    out = _frame(fit, [res.labels[i] for i in idx], res.test)
    out.insert(1, "position", idx + 1)
    return out
