"""Low-level quantities of the inverse-variance model, computed for many fits at once.

Every function here works on a *batch* of fits that share the same data: effects
``y`` of shape ``(k,)``, sampling variances ``v`` of shape ``(k,)``, a design matrix ``X`` of
shape ``(k, p)`` and a 0/1 ``mask`` of shape ``(m, k)`` that says which studies each of the
``m`` fits uses.  A single model is the batch with ``m = 1``; leave-one-out, cumulative and
trim-and-fill fits are batches with one row per subset.  Rows of weights are zero for the
studies a fit leaves out, so sums over ``k`` never need ragged arrays.

Notation follows Viechtbauer (2005) and the metafor documentation: ``W = diag(w)``,
``A = (X' W X)^{-1}`` and ``P = W - W X A X' W`` (the residual-forming matrix), so that
``Q(w) = y' P y`` and ``tr(P) = sum(w) - tr(A X' W^2 X)``.  Only ``p x p`` matrices are ever
formed, so a fit with k = 10,000 studies costs O(k p^2).

References
----------
Viechtbauer W (2005). Bias and efficiency of meta-analytic variance estimators in the
random-effects model. J Educ Behav Stat 30(3):261-293.
Viechtbauer W (2007). Confidence intervals for the amount of heterogeneity in
meta-analysis. Stat Med 26(1):37-52.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Residual sums of squares at or below this are treated as exactly zero (as metafor does
#: with ``.Machine$double.eps`` when it scales by the Knapp-Hartung factor).
RSS_ZERO = np.finfo(float).eps


@dataclass(frozen=True)
class WLS:
    """Weighted least squares fits for a batch of weight rows.

    Attributes
    ----------
    w : ndarray, shape (m, k)
        The weights used (zero for studies left out).
    beta : ndarray, shape (m, p)
        Coefficients ``A X' W y``.
    A : ndarray, shape (m, p, p)
        ``(X' W X)^{-1}``, the model-based covariance of ``beta`` when ``w`` are
        inverse variances.
    resid : ndarray, shape (m, k)
        ``y - X beta`` (defined for every study, also those left out).
    rss : ndarray, shape (m,)
        ``sum(w * resid**2)``, the generalised Q statistic ``y' P y``.
    """

    w: np.ndarray
    beta: np.ndarray
    A: np.ndarray
    resid: np.ndarray
    rss: np.ndarray


def cross(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    """``X' diag(w_r) X`` for every row ``w_r`` of ``w``; shape (m, p, p).

    Computed as one matrix product ``w @ [x_i x_i']`` (k x p^2), which BLAS does far faster
    than a three-operand einsum.
    """
    k, p = X.shape
    outer = (X[:, :, None] * X[:, None, :]).reshape(k, p * p)
    return (w @ outer).reshape(w.shape[0], p, p)


def wls(y: np.ndarray, X: np.ndarray, w: np.ndarray) -> WLS:
    """Weighted least squares of ``y`` on ``X`` for each row of weights ``w`` (m, k).

    ``y`` has shape (k,) or, when each fit has its own response, (m, k).  Raises
    ``numpy.linalg.LinAlgError`` when ``X' W X`` is singular for some row; callers turn
    that into an error naming the model.
    """
    y = np.asarray(y, dtype=float)
    A = np.linalg.inv(cross(w, X))
    xwy = (w * y) @ X if y.ndim == 2 else w @ (X * y[:, None])
    y = np.broadcast_to(y, w.shape)
    beta = np.einsum("mpq,mq->mp", A, xwy)
    resid = y - beta @ X.T
    rss = np.sum(w * resid**2, axis=1)
    return WLS(w=w, beta=beta, A=A, resid=resid, rss=rss)


def trace_AB(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``tr(A_r B_r)`` for stacks of square matrices; shape (m,)."""
    return np.einsum("mpq,mqp->m", A, B)


def trace_P(fit: WLS, X: np.ndarray) -> np.ndarray:
    """``tr(P) = sum(w) - tr(A X' W^2 X)`` for each row of a WLS batch."""
    return fit.w.sum(axis=1) - trace_AB(fit.A, cross(fit.w**2, X))


def trace_PP(fit: WLS, X: np.ndarray) -> np.ndarray:
    """``tr(P P)`` for each row of a WLS batch.

    ``tr(PP) = sum(w^2) - 2 tr(A X'W^3 X) + tr(A X'W^2 X A X'W^2 X)``, expanding
    ``P = W - W X A X' W``.
    """
    w = fit.w
    B = np.einsum("mpq,mqr->mpr", fit.A, cross(w**2, X))
    return (w**2).sum(axis=1) - 2.0 * trace_AB(fit.A, cross(w**3, X)) + trace_AB(B, B)


def weighted_pair_trace(fit: WLS, X: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``sum_ij a_i b_j P_ij^2`` for ``P = W - W X A X' W`` built from ``fit``'s weights.

    With ``g_ij = x_i' A x_j`` and ``u = w``, expanding the square gives
    ``sum u^2 a b - 2 sum u^3 a b g_ii + tr(A X' D_a X A X' D_b X)`` with
    ``D_a = diag(u^2 a)``.  Special cases used by metafor's standard errors of tau^2:
    ``a = b = 1`` is ``tr(PP)``, ``a = b = v`` is ``tr(PVPV)`` and ``a = 1, b = v`` is
    ``tr(PVP)``.  ``a`` and ``b`` have shape (k,) or (m, k).
    """
    u = fit.w
    a = np.broadcast_to(a, u.shape)
    b = np.broadcast_to(b, u.shape)
    g = _quad_rows(fit.A, X)
    Ba = np.einsum("mpq,mqr->mpr", fit.A, cross(u**2 * a, X))
    Bb = np.einsum("mpq,mqr->mpr", fit.A, cross(u**2 * b, X))
    return (np.sum(u**2 * a * b, axis=1) - 2.0 * np.sum(u**3 * a * b * g, axis=1)
            + trace_AB(Ba, Bb))


def hat_diagonal(fit: WLS, X: np.ndarray) -> np.ndarray:
    """Diagonal of the hat matrix ``X A X' W`` for each row; shape (m, k)."""
    return _quad_rows(fit.A, X) * fit.w


def _quad_rows(A: np.ndarray, X: np.ndarray) -> np.ndarray:
    """``x_i' A_r x_i`` for every fit r and study i; shape (m, k)."""
    k, p = X.shape
    outer = (X[:, :, None] * X[:, None, :]).reshape(k, p * p)
    return A.reshape(A.shape[0], p * p) @ outer.T


def fe_weights(v: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Inverse-variance weights ``1/v`` with zeros where ``mask`` is 0; shape (m, k)."""
    return mask / v[None, :]


def q_statistic(y: np.ndarray, v: np.ndarray, X: np.ndarray, mask: np.ndarray) -> WLS:
    """Cochran's Q (the residual Q_E with moderators) as a fixed-effect WLS batch.

    ``Q = sum w_i (y_i - x_i' beta_FE)^2`` with ``w_i = 1/v_i`` (Cochran 1954; for
    moderators, Hedges & Olkin 1985, ch. 8).  The statistic is ``.rss`` of the result.
    """
    return wls(y, X, fe_weights(v, mask))


def typical_variance(fe_fit: WLS, X: np.ndarray, df: np.ndarray) -> np.ndarray:
    """metafor's "typical" within-study variance ``s^2 = (k - p) / tr(P)``.

    With an intercept only this is ``(k-1) sum w / ((sum w)^2 - sum w^2)`` (Higgins &
    Thompson 2002, eq. 9), the variance used by metafor's rma.uni to turn tau^2 into
    I^2 and H^2.  ``fe_fit`` must use the fixed-effect weights ``1/v``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return df / trace_P(fe_fit, X)


def generalized_q(tau2: np.ndarray | float, y: np.ndarray, v: np.ndarray, X: np.ndarray,
                  mask: np.ndarray) -> np.ndarray:
    """Generalised Q statistic ``Q(tau^2) = sum (y - X beta)^2 / (v + tau^2)``.

    It is a decreasing function of tau^2 and follows chi^2 with k - p df at the true
    tau^2; the Paule-Mandel estimator and the Q-profile interval both invert it
    (Paule & Mandel 1982; Viechtbauer 2007).
    """
    tau2 = np.broadcast_to(np.asarray(tau2, dtype=float), (mask.shape[0],))
    w = mask / (v[None, :] + tau2[:, None])
    return wls(y, X, w).rss


def q_profile_interval(y: np.ndarray, v: np.ndarray, X: np.ndarray, level: float
                       ) -> tuple[float, float]:
    """Q-profile confidence interval for tau^2 (Viechtbauer 2007).

    The bounds solve ``Q(tau^2) = chi^2_{k-p}(1 - alpha/2)`` (lower bound) and
    ``Q(tau^2) = chi^2_{k-p}(alpha/2)`` (upper bound), where ``Q`` is
    :func:`generalized_q`; a bound is 0 when ``Q(0)`` already lies below its quantile, as
    in metafor's ``confint.rma.uni``.  Roots are found by Brent's method to 1e-14.

    Parameters
    ----------
    y, v : ndarray, shape (k,)
    X : ndarray, shape (k, p)
    level : float
        Confidence level in percent.

    Returns
    -------
    (lower, upper) : tuple of float
    """
    from scipy import optimize
    from scipy import stats as sps

    k, p = X.shape
    df = k - p
    alpha = 1.0 - level / 100.0
    crit_hi = sps.chi2.isf(alpha / 2, df)  # Q at the lower bound of tau^2
    crit_lo = sps.chi2.ppf(alpha / 2, df)  # Q at the upper bound
    mask = np.ones((1, k))

    def q(t: float) -> float:
        return float(generalized_q(np.array([t]), y, v, X, mask)[0])

    q0 = q(0.0)

    def root(target: float) -> float:
        if q0 <= target:
            return 0.0
        hi = max(100.0, 10.0 * float(np.var(y)))
        for _ in range(200):
            if q(hi) < target:
                break
            hi *= 2.0
        return float(optimize.brentq(lambda t: q(t) - target, 0.0, hi, xtol=1e-14,
                                     rtol=4 * np.finfo(float).eps, maxiter=1000))

    return root(crit_hi), root(crit_lo)
