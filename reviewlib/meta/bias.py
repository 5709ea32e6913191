"""Small-study effects and publication bias: Egger's and Begg's tests, trim and fill.

The definitions are those of R metafor's ``regtest``, ``ranktest`` and ``trimfill``
(Viechtbauer 2010), which these functions reproduce:

- :func:`egger` -- Egger et al. (1997): regress the effects on their standard errors; a
  slope different from 0 signals funnel asymmetry.  ``model="rma"`` (metafor's default)
  fits the meta-regression ``yi ~ sei`` with the model's own tau^2 estimator and test;
  ``model="lm"`` is the classical weighted least squares version (weights 1/vi, t test
  with k - 2 df).  The intercept is the "limit estimate", the effect of a study with
  standard error 0.
- :func:`begg` -- Begg & Mazumdar (1994): Kendall's tau between standardised deviates
  ``(y_i - theta_FE) / sqrt(v_i - 1/sum w)`` and the variances; exact p-value when there
  are no ties, otherwise the normal approximation with the tie-corrected variance (as R's
  ``cor.test(method = "kendall", exact = TRUE)``).
- :func:`trimfill` -- Duval & Tweedie (2000a, 2000b): iteratively trim the most extreme
  studies on the side with the excess, re-estimate, count the missing studies with the
  L0 or R0 estimator, then fill their mirror images about the trimmed estimate.

References
----------
Begg CB, Mazumdar M (1994). Biometrics 50(4):1088-1101.
Duval S, Tweedie R (2000a). Biometrics 56(2):455-463; (2000b) JASA 95(449):89-98.
Egger M, Davey Smith G, Schneider M, Minder C (1997). BMJ 315(7109):629-634.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import stats as sps

from reviewlib.errors import ConvergenceError, UsageError
from reviewlib.meta import core

#: Trim and fill gives up after this many trim/estimate rounds (metafor's ``maxiter``).
TRIMFILL_MAXITER = 100


@dataclass(frozen=True)
class RegressionTest:
    """Result of Egger's regression test; unpacks as ``(statistic, pval)``.

    Attributes
    ----------
    statistic, pval : float
        z (or t) statistic of the slope on the standard error, and its p-value.
    df : float
        Degrees of freedom of the t test (NaN for a z test).
    model : str
        "rma" or "lm".
    slope, slope_se : float
    limit_estimate, limit_ci_low, limit_ci_high : float
        The intercept: the predicted effect at standard error 0, with its interval.
    """

    statistic: float
    pval: float
    df: float
    model: str
    slope: float
    slope_se: float
    limit_estimate: float
    limit_ci_low: float
    limit_ci_high: float

    def __iter__(self):
        return iter((self.statistic, self.pval))


@dataclass(frozen=True)
class RankTest:
    """Begg and Mazumdar's rank correlation test; unpacks as ``(tau, pval)``."""

    tau: float
    pval: float
    exact: bool

    def __iter__(self):
        return iter((self.tau, self.pval))


@dataclass(frozen=True)
class TrimFill:
    """What trim and fill found; :meth:`MetaResult.trimfill` refits with the filled data.

    Attributes
    ----------
    k0 : int
        Number of studies estimated to be missing.
    se_k0 : float
    side : str
        Side of the funnel where studies are missing ("left" or "right").
    estimator : str
    p_k0 : float
        P-value of k0 for the R0 estimator (NaN for L0).
    yi_filled, vi_filled : ndarray, shape (k0,)
        The imputed studies.
    iterations : int
    """

    k0: int
    se_k0: float
    side: str
    estimator: str
    p_k0: float
    yi_filled: np.ndarray
    vi_filled: np.ndarray
    iterations: int


def _fit(y, v, X, method, test, level):
    fit = core.fit_batch(y, v, X, np.ones((1, len(y))), method, test, level)
    if not fit.converged[0]:
        raise ConvergenceError(f"the {method} estimator of tau^2 did not converge")
    return fit


def egger(res, model: str = "rma") -> RegressionTest:
    """Egger's regression test with the standard error as predictor (metafor ``regtest``).

    Parameters
    ----------
    res : MetaResult
    model : {"rma", "lm"}
        "rma": meta-regression with the model's method and test (metafor's default);
        "lm": weighted least squares with weights 1/vi (Egger et al. 1997).

    Examples
    --------
    >>> from reviewlib.meta import pool
    >>> res = pool([0.1, 0.3, 0.35, 0.6, 0.8], [0.01, 0.02, 0.04, 0.08, 0.12])
    >>> round(res.egger().slope, 3) > 0
    True
    """
    if model not in ("rma", "lm"):
        raise UsageError(f"unknown model {model!r} for Egger's test; choose 'rma' or 'lm'")
    if res.k < 3:
        raise UsageError("Egger's test needs at least 3 studies")
    sei = np.sqrt(res.vi)
    X = np.column_stack([np.ones(res.k), sei])
    if model == "rma":
        fit = _fit(res.yi, res.vi, X, res.method, res.test, res.level)
        return RegressionTest(statistic=float(fit.stat[0, 1]), pval=float(fit.pval[0, 1]),
                              df=float(fit.ddf[0]), model=model, slope=float(fit.beta[0, 1]),
                              slope_se=float(fit.se[0, 1]),
                              limit_estimate=float(fit.beta[0, 0]),
                              limit_ci_low=float(fit.ci_low[0, 0]),
                              limit_ci_high=float(fit.ci_high[0, 0]))
    ols = sm.WLS(res.yi, X, weights=1.0 / res.vi).fit()
    ci = ols.conf_int(alpha=1 - res.level / 100)
    return RegressionTest(statistic=float(ols.tvalues[1]), pval=float(ols.pvalues[1]),
                          df=float(ols.df_resid), model=model, slope=float(ols.params[1]),
                          slope_se=float(ols.bse[1]), limit_estimate=float(ols.params[0]),
                          limit_ci_low=float(ci[0, 0]), limit_ci_high=float(ci[0, 1]))


def _deviations(y: np.ndarray, centre: float) -> np.ndarray:
    """``y - centre`` with differences at the level of rounding error set to exactly 0.

    A pooled estimate of identical effects may differ from them in the last bit; the sign
    and rank of that noise must not count as evidence of asymmetry.
    """
    dev = y - centre
    dev[np.abs(dev) <= 64 * np.finfo(float).eps * np.max(np.abs(y))] = 0.0
    return dev


def begg(res) -> RankTest:
    """Begg and Mazumdar's rank correlation test (metafor ``ranktest``).

    With identical effects the test is undefined: NaN with a ``RuntimeWarning`` (metafor:
    ``NA`` with a warning), never a tau computed from rounding noise.

    Examples
    --------
    >>> from reviewlib.meta import pool
    >>> t = pool([0.1, 0.3, 0.35, 0.6, 0.8], [0.01, 0.02, 0.04, 0.08, 0.12]).begg()
    >>> round(t.tau, 2)
    1.0
    """
    if res.k < 3:
        raise UsageError("the rank correlation test needs at least 3 studies")
    y, v = res.yi, res.vi
    w = 1.0 / v
    theta = np.sum(w * y) / w.sum()
    # with identical effects theta can differ from them in the last bit; dividing that noise
    # by different SEs would rank it perfectly with v (tau = 1, "significant" asymmetry;
    # metafor shows this too)
    y_star = _deviations(y, theta) / np.sqrt(v - 1.0 / w.sum())
    if np.ptp(y_star) == 0:
        warnings.warn("all standardised deviates are equal (identical effects): Kendall's "
                      "tau is undefined, so the rank correlation test gives NaN",
                      RuntimeWarning, stacklevel=2)
        return RankTest(tau=float("nan"), pval=float("nan"), exact=False)
    ties = len(np.unique(y_star)) < len(y_star) or len(np.unique(v)) < len(v)
    out = sps.kendalltau(y_star, v, method="asymptotic" if ties else "exact")
    return RankTest(tau=float(out.statistic), pval=float(out.pvalue), exact=not ties)


def _side(res) -> str:
    X = np.column_stack([np.ones(res.k), np.sqrt(res.vi)])
    fit = _fit(res.yi, res.vi, X, res.method, "z", res.level)
    return "right" if fit.beta[0, 1] < 0 else "left"


def trimfill(res, side: str | None = None, estimator: str = "L0") -> TrimFill:
    """Duval and Tweedie's trim-and-fill search for missing studies.

    Parameters
    ----------
    res : MetaResult
    side : {"left", "right"}, optional
        Side on which studies are presumed missing.  Default, as in metafor: "right" when
        the slope of Egger's meta-regression (with the model's estimator) is negative,
        otherwise "left".
    estimator : {"L0", "R0"}

    Returns
    -------
    TrimFill

    Notes
    -----
    The trimmed fits use the model's estimator.  metafor refits the filled data with a z
    test and 95 % level whatever the original model used; :meth:`MetaResult.trimfill`
    keeps the original model's test and level instead (identical for the defaults).

    Examples
    --------
    >>> from reviewlib.meta import pool
    >>> tf = pool([0.1, 0.3, 0.35, 0.6, 0.8, 0.9], [0.01, 0.02, 0.04, 0.08, 0.12, 0.2],
    ...           method="FE").trimfill()
    >>> tf.k0 >= 1
    True
    """
    if estimator not in ("L0", "R0"):
        raise UsageError(f"unknown trim-and-fill estimator {estimator!r}; choose 'L0' or 'R0'")
    if res.k < 2:
        raise UsageError("trim and fill needs at least 2 studies")
    if side is None:
        side = _side(res)
    elif side not in ("left", "right"):
        raise UsageError(f"side must be 'left' or 'right', not {side!r}")
    y = -res.yi if side == "right" else res.yi.copy()
    order = np.argsort(y, kind="stable")
    y, v = y[order], res.vi[order]
    k = len(y)
    X = core.intercept_design(k)
    k0, k0_prev, it = 0, -1, 0
    se_k0 = float("nan")
    beta = 0.0
    while k0 != k0_prev:
        k0_prev = k0
        it += 1
        if it > TRIMFILL_MAXITER:
            raise ConvergenceError(f"trim and fill did not settle on k0 in {TRIMFILL_MAXITER} rounds")
        mask = (np.arange(k) < k - k0).astype(float)[None, :]
        fit = core.fit_batch(y, v, X, mask, res.method, "z", res.level)
        beta = float(fit.beta[0, 0])
        centred = _deviations(y, beta)
        ranks = np.empty(k)
        ranks[np.argsort(np.abs(centred), kind="stable")] = np.arange(1, k + 1)
        signed = np.sign(centred) * ranks
        if estimator == "R0":
            neg = signed[signed < 0]
            k0_raw = (k - (np.max(-neg) if neg.size else -np.inf)) - 1
            se_k0 = float(np.sqrt(2 * max(0.0, k0_raw) + 2))
        else:
            sr = signed[signed > 0].sum()
            k0_raw = (4 * sr - k * (k + 1)) / (2 * k - 1)
            var_sr = (k * (k + 1) * (2 * k + 1) + 10 * k0_raw**3 + 27 * k0_raw**2 + 17 * k0_raw
                      - 18 * k * k0_raw**2 - 18 * k * k0_raw + 6 * k**2 * k0_raw) / 24
            se_k0 = float(4 * np.sqrt(var_sr) / (2 * k - 1)) if var_sr >= 0 else float("nan")
        k0 = int(max(0, np.round(k0_raw))) if np.isfinite(k0_raw) else 0
        se_k0 = max(0.0, se_k0)
    fill = 2 * beta - y[k - k0:]
    if side == "right":
        fill = -fill
    p_k0 = 0.5 ** (k0 + 1) if estimator == "R0" else float("nan")
    return TrimFill(k0=k0, se_k0=se_k0, side=side, estimator=estimator, p_k0=p_k0,
                    yi_filled=fill, vi_filled=v[k - k0:].copy(), iterations=it)
