"""Estimators of the between-study variance tau^2, for a batch of fits at once.

Each estimator takes the data of a batch (see :mod:`reviewlib.meta.stats`) and returns a
:class:`Tau2Estimate` with one tau^2 per fit.  Names and definitions follow R metafor's
``rma.uni`` (Viechtbauer 2010), so that ``method="REML"`` here is ``method="REML"`` there:

=====  ==================================================  ==============================
name   estimator                                           source
=====  ==================================================  ==============================
FE     none (tau^2 = 0, fixed-effect / common-effect)      Hedges & Olkin 1985
DL     method of moments with weights 1/v                  DerSimonian & Laird 1986
HE     method of moments with unit weights                 Hedges 1983
HS     Hunter-Schmidt                                      Hunter & Schmidt 2004
SJ     Sidik-Jonkman (one step from a crude start)         Sidik & Jonkman 2005
ML     maximum likelihood                                  Hardy & Thompson 1996
REML   restricted maximum likelihood                       Viechtbauer 2005
PM     Paule-Mandel (generalised Q = k - p)                Paule & Mandel 1982
EB     empirical Bayes (Morris 1983); same root as PM      Berkey et al. 1995
=====  ==================================================  ==============================

The iterative estimators (ML, REML, PM, EB) are solved to the exact root of their
estimating equation rather than stopped at metafor's default change of 1e-5, by a
safeguarded root finder that cannot stall: a Newton or Fisher-scoring step is taken only
inside a bracket ``[lo, hi]`` that always contains the root, and it is replaced by
bisection when it leaves the bracket or is larger than half the step before the last
(Brent's rule), so step sizes shrink at least geometrically and the search ends in a
bounded number of steps, when the bracket or the step is below :data:`TAU2_TOL`.
Fisher scoring alone can oscillate for ever (metafor's default stepping fails on
``yi = [1, 1.5, 1, 0, 1, 2]``, ``vi = [1, 1, 1, .125, 1, 2]``, REML tau^2 = 0.22646);
``benchmarks/tau2_convergence.py`` runs the estimators on 100,000 seeded random datasets.
When the estimating equation is negative at tau^2 = 0 the estimate is 0, as in metafor.
For ML and REML the search starts, as metafor's, from the HE estimate, and a root is kept
only when its likelihood beats tau^2 = 0.  Estimates below zero are truncated at zero
(DL, HE, HS).

References
----------
Viechtbauer W (2010). Conducting meta-analyses in R with the metafor package. J Stat Softw
36(3):1-48.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reviewlib.errors import UsageError
from reviewlib.meta import stats

#: Estimators accepted by ``method=``, in the order metafor's documentation lists them.
METHODS: tuple[str, ...] = ("FE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM")

#: Estimators solved iteratively.
ITERATIVE: frozenset[str] = frozenset({"ML", "REML", "EB", "PM"})

#: Convergence: stop when a step changes tau^2 by less than this times max(1, tau^2).
#: Ten times tighter than the threshold metafor is run with for the reference values.
TAU2_TOL = 1e-13

#: Grid points searched between 0 and the start value when the score is negative at both.
SCAN_POINTS = 64

#: A safety limit on steps; once bracketed, steps halve at least every second step, so
#: the root is within TAU2_TOL in well under 200 steps.
MAX_ITER = 1000


@dataclass(frozen=True)
class Tau2Estimate:
    """tau^2 for each fit of a batch, with how it was reached.

    Attributes
    ----------
    tau2 : ndarray, shape (m,)
    se_tau2 : ndarray, shape (m,)
        metafor's standard error of the estimate (NaN where metafor gives none).
    converged : ndarray of bool, shape (m,)
    iterations : ndarray of int, shape (m,)
        Steps taken (0 for closed-form estimators).
    """

    tau2: np.ndarray
    se_tau2: np.ndarray
    converged: np.ndarray
    iterations: np.ndarray


def check_method(method: str) -> str:
    """Return the canonical (upper-case) estimator name or raise UsageError listing all."""
    name = str(method).upper()
    if name not in METHODS:
        raise UsageError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    return name


def _centered(y: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """y minus the mean of the studies each fit uses (metafor estimates tau^2 from Ymc)."""
    k = mask.sum(axis=1)
    mean = (mask @ y) / np.where(k > 0, k, 1)
    return y[None, :] - mean[:, None]


def estimate_tau2(y: np.ndarray, v: np.ndarray, X: np.ndarray, mask: np.ndarray,
                  method: str) -> Tau2Estimate:
    """Estimate tau^2 for every row of ``mask`` with the named estimator.

    Parameters
    ----------
    y, v : ndarray, shape (k,)
        Effects and (positive) sampling variances.
    X : ndarray, shape (k, p)
        Design matrix (a column of ones for an intercept-only model).
    mask : ndarray, shape (m, k)
        1 where a fit uses a study, 0 elsewhere.
    method : str
        One of :data:`METHODS`.

    Returns
    -------
    Tau2Estimate
        Fits with no residual degrees of freedom (k <= p) get tau^2 = 0, as metafor does
        for k = 1.
    """
    method = check_method(method)
    mask = np.asarray(mask, dtype=float)
    m = mask.shape[0]
    k = mask.sum(axis=1)
    p = X.shape[1]
    df = k - p
    ok = df > 0
    tau2 = np.zeros(m)
    se = np.full(m, np.nan)
    conv = np.ones(m, dtype=bool)
    iters = np.zeros(m, dtype=int)
    if method == "FE" or not ok.any():
        return Tau2Estimate(tau2, se, conv, iters)
    sub = mask[ok]
    est = _ESTIMATORS[method](y, v, X, sub, df[ok])
    tau2[ok], se[ok], conv[ok], iters[ok] = est
    return Tau2Estimate(tau2, se, conv, iters)


# --------------------------------------------------------------------------- closed forms
def _dl(y, v, X, mask, df):
    """DerSimonian-Laird: ``(Q - (k - p)) / tr(P)`` with fixed-effect weights."""
    fit = stats.wls(_centered(y, mask), X, stats.fe_weights(v, mask))
    trP = stats.trace_P(fit, X)
    tau2 = np.maximum(0.0, (fit.rss - df) / trP)
    trPP = stats.weighted_pair_trace(fit, X, 1.0, 1.0)
    se = np.sqrt((2 * df + 4 * tau2 * trP + 2 * tau2**2 * trPP) / trP**2)
    return tau2, se, True, 0


def _hs(y, v, X, mask, df):
    """Hunter-Schmidt: ``(Q - k) / sum(w)`` with fixed-effect weights."""
    fit = stats.wls(_centered(y, mask), X, stats.fe_weights(v, mask))
    sw = fit.w.sum(axis=1)
    k = mask.sum(axis=1)
    tau2 = np.maximum(0.0, (fit.rss - k) / sw)
    trP = stats.trace_P(fit, X)
    trPP = stats.weighted_pair_trace(fit, X, 1.0, 1.0)
    se = np.sqrt((2 * df + 4 * tau2 * trP + 2 * tau2**2 * trPP) / sw**2)
    return tau2, se, True, 0


def _he(y, v, X, mask, df):
    """Hedges: ``(RSS - tr(P V)) / (k - p)`` from an unweighted (OLS) fit."""
    fit = stats.wls(_centered(y, mask), X, mask)
    trPV = np.sum(mask * v, axis=1) - stats.trace_AB(fit.A, stats.cross(mask * v, X))
    tau2 = np.maximum(0.0, (fit.rss - trPV) / df)
    trPVPV = stats.weighted_pair_trace(fit, X, v, v)
    se = np.sqrt((2 * trPVPV + 4 * tau2 * trPV + 2 * tau2**2 * df) / df**2)
    return tau2, se, True, 0


def _sj(y, v, X, mask, df):
    """Sidik-Jonkman: ``tau0^2 Q(tau0^2) / (k - p)`` with ``tau0^2`` the variance of y
    (divisor k), as metafor's default start."""
    yc = _centered(y, mask)
    k = mask.sum(axis=1)
    tau0 = np.sum(mask * yc**2, axis=1) / k
    fit = stats.wls(yc, X, mask / (v[None, :] + tau0[:, None]))
    tau2 = tau0 * fit.rss / df
    trPVPV = stats.weighted_pair_trace(fit, X, v, v)
    trPVP = stats.weighted_pair_trace(fit, X, 1.0, v)
    trPP = stats.weighted_pair_trace(fit, X, 1.0, 1.0)
    se = np.sqrt(tau0**2 / df**2 * (2 * trPVPV + 4 * tau2 * trPVP + 2 * tau2**2 * trPP))
    return tau2, se, True, 0


# --------------------------------------------------------------------------- iterative
def _score_ml(yc, v, X, mask, df, tau2):
    """ML estimating equation ``y'PPy - tr(W)`` and its Fisher-scoring step."""
    fit = stats.wls(yc, X, mask / (v[None, :] + tau2[:, None]))
    w2 = fit.w**2
    f = np.sum(w2 * fit.resid**2, axis=1) - fit.w.sum(axis=1)
    return f, f / w2.sum(axis=1), fit


def _score_reml(yc, v, X, mask, df, tau2):
    """REML estimating equation ``y'PPy - tr(P)`` and its Fisher-scoring step."""
    fit = stats.wls(yc, X, mask / (v[None, :] + tau2[:, None]))
    f = np.sum(fit.w**2 * fit.resid**2, axis=1) - stats.trace_P(fit, X)
    return f, f / stats.trace_PP(fit, X), fit


def _score_pm(yc, v, X, mask, df, tau2):
    """Paule-Mandel equation ``Q(tau^2) - (k - p)`` and its Newton step.

    ``dQ/dtau^2 = -sum w^2 e^2`` (the derivative of a minimised weighted sum of squares is
    the derivative of its weights at the minimiser).
    """
    fit = stats.wls(yc, X, mask / (v[None, :] + tau2[:, None]))
    f = fit.rss - df
    return f, f / np.sum(fit.w**2 * fit.resid**2, axis=1), fit


def _solve(score, y, v, X, mask, df, start=None):
    """Find the root in tau^2 >= 0 of an estimating equation that is decreasing there.

    Starting from ``start`` (default 0), a Newton / Fisher-scoring step is taken from the
    current point; the root is kept inside ``[lo, hi]`` (``f(lo) > 0 >= f(hi)``) and a step
    that leaves the bracket, or is larger than half the step before the last, is replaced
    by its midpoint (or, before an upper end is known, by doubling).  If ``f(start) > 0`` the root
    is searched above ``start``; otherwise below it, if ``f(0) > 0``; otherwise the
    estimate is 0 (the boundary).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _solve_bracketed(score, y, v, X, mask, df, start)


def _solve_bracketed(score, y, v, X, mask, df, start):
    yc = _centered(y, mask)
    m = mask.shape[0]
    zero = np.zeros(m)
    start = zero if start is None else np.maximum(0.0, np.asarray(start, dtype=float))
    f_start, step_start, _ = score(yc, v, X, mask, df, start)
    up = f_start > 0
    down = ~up & (start > 0)
    f0 = np.full(m, -np.inf)
    if down.any():
        f0[down] = score(yc[down], v, X, mask[down], df[down], zero[down])[0]
    lo_all = np.where(up, start, 0.0)
    hi_all = np.where(up, np.inf, start)
    # negative at 0 and at the start: the score may still turn positive in between (a
    # local maximum inside, as for some k = 2 likelihoods); look on a grid, keep the
    # highest positive point and the grid point above it as the bracket.
    scan = down & (f0 <= 0)
    if scan.any():
        rows = np.flatnonzero(scan)
        found = np.zeros(rows.size, dtype=bool)
        for j in range(SCAN_POINTS - 1, 0, -1):
            t = start[rows] * j / SCAN_POINTS
            fj = score(yc[rows], v, X, mask[rows], df[rows], t)[0]
            new = ~found & (fj > 0)
            lo_all[rows[new]] = t[new]
            hi_all[rows[new]] = start[rows[new]] * (j + 1) / SCAN_POINTS
            found |= new
        f0[rows[found]] = 1.0
    down &= f0 > 0
    active = up | down
    tau2 = zero.copy()
    conv = np.ones(m, dtype=bool)
    iters = np.zeros(m, dtype=int)
    if not active.any():
        return tau2, conv, iters
    yc_a, mask_a, df_a = yc[active], mask[active], df[active]
    lo = lo_all[active]
    hi = hi_all[active]
    x = np.where(np.isfinite(hi), hi, lo).astype(float)
    st = np.where(np.isfinite(hi), -np.inf, step_start[active]).astype(float)  # bisect a known bracket first
    done = np.zeros(x.shape, dtype=bool)
    it = np.zeros(x.shape, dtype=int)
    # sizes of the last two steps: a step larger than half the one before the last is
    # replaced by bisection (Brent's safeguard), so step sizes shrink at least
    # geometrically and no fit can stall or oscillate inside the bracket
    step1 = np.full(x.shape, np.inf)
    step2 = np.full(x.shape, np.inf)
    for _ in range(MAX_ITER):
        run = np.flatnonzero(~done)  # only fits still moving are re-evaluated
        new = x[run] + st[run]
        lo_r, hi_r = lo[run], hi[run]
        bounded = np.isfinite(hi_r)
        slow = bounded & (np.abs(st[run]) > 0.5 * step2[run])
        outside = ~np.isfinite(new) | (new <= lo_r) | (new >= hi_r) | slow
        mid = np.where(bounded, 0.5 * (lo_r + hi_r), np.maximum(2.0 * lo_r, lo_r + 1.0))
        new = np.where(outside, mid, new)
        change = np.abs(new - x[run])
        it[run] += 1
        x[run] = new
        f, st_r, _ = score(yc_a[run], v, X, mask_a[run], df_a[run], new)
        st[run] = st_r
        lo[run] = np.where(f > 0, new, lo_r)
        hi[run] = np.where(f <= 0, new, hi_r)
        step2[run] = step1[run]
        step1[run] = change
        tol = TAU2_TOL * np.maximum(1.0, new)
        done[run] = (change <= tol) | (np.abs(hi[run] - lo[run]) <= tol) | (f == 0)
        if done.all():
            break
    tau2[active] = x
    conv[active] = done
    iters[active] = it
    return tau2, conv, iters


def _loglik(y, v, X, mask, tau2, restricted: bool) -> np.ndarray:
    """(Restricted) log-likelihood up to a constant, for the boundary check."""
    w = mask / (v[None, :] + tau2[:, None])
    fit = stats.wls(_centered(y, mask), X, w)
    with np.errstate(divide="ignore"):
        ll = -0.5 * np.sum(mask * np.log(v[None, :] + tau2[:, None]), axis=1) - 0.5 * fit.rss
    if restricted:
        ll -= 0.5 * np.linalg.slogdet(stats.cross(w, X))[1]
    return ll


def _likelihood_root(score, y, v, X, mask, df, restricted: bool):
    """ML/REML: root of the score from Hedges' estimate, as metafor starts its Fisher
    scoring, then kept only if the likelihood there beats the boundary tau^2 = 0 (metafor's
    ``ll0check``).  Starting from the HE value finds an interior maximum even when the
    score is negative at 0 (a local maximum on the boundary)."""
    start = _he(y, v, X, mask, df)[0]
    tau2, conv, it = _solve(score, y, v, X, mask, df, start)
    pos = tau2 > 0
    if pos.any():
        ll = _loglik(y, v, X, mask[pos], tau2[pos], restricted)
        ll0 = _loglik(y, v, X, mask[pos], np.zeros(pos.sum()), restricted)
        back = np.zeros_like(pos)
        back[pos] = ll0 > ll
        tau2 = np.where(back, 0.0, tau2)
    return tau2, conv, it


def _ml(y, v, X, mask, df):
    tau2, conv, it = _likelihood_root(_score_ml, y, v, X, mask, df, restricted=False)
    w = mask / (v[None, :] + tau2[:, None])
    return tau2, np.sqrt(2.0 / np.sum(w**2, axis=1)), conv, it


def _reml(y, v, X, mask, df):
    tau2, conv, it = _likelihood_root(_score_reml, y, v, X, mask, df, restricted=True)
    fit = stats.wls(y, X, mask / (v[None, :] + tau2[:, None]))
    return tau2, np.sqrt(2.0 / stats.trace_PP(fit, X)), conv, it


def _pm(y, v, X, mask, df):
    tau2, conv, it = _solve(_score_pm, y, v, X, mask, df)
    w = mask / (v[None, :] + tau2[:, None])
    k = mask.sum(axis=1)
    return tau2, np.sqrt(2.0 * k**2 / df / np.sum(w, axis=1) ** 2), conv, it


_ESTIMATORS = {"DL": _dl, "HE": _he, "HS": _hs, "SJ": _sj, "ML": _ml, "REML": _reml,
               "PM": _pm, "EB": _pm}
