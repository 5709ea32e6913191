"""Cluster-robust (CR2) inference for a pooled mean, as R clubSandwich's ``coef_test``.

When effects are dependent in ways the model may not capture (several outcomes of one
sample, correlated sampling errors nobody reported), the model-based standard error can
be too small.  The CR2 sandwich estimator (Bell & McCaffrey 2002; Pustejovsky & Tipton
2018) replaces it by one computed from the residuals of whole clusters, with the
bias-reducing adjustment matrices

    A_c = D_c' (D_c (Phi_c - X_c M X_c') D_c')^{+1/2} D_c,    Phi_c = D_c' D_c,

where ``Phi_c`` is the fitted covariance of cluster ``c`` (the working model), ``M`` the
model-based covariance of the estimate and ``+1/2`` the symmetric square root of the
Moore-Penrose inverse.  The test uses a t distribution with Satterthwaite degrees of
freedom computed under the working model, ``df = 2 E[V]^2 / Var[V]``.  This equals
``clubSandwich::coef_test(fit, vcov = "CR2", cluster = ..., test = "Satterthwaite")`` for
``rma.uni`` fits (working covariance ``diag(v + tau^2)``) and for ``rma.mv`` fits whose
blocks lie within the robust clusters.

Use it on a fitted model: ``pool(...).robust(cluster)`` or ``multilevel(...).robust(cluster)``,
or :func:`robust` directly.  With few clusters (say fewer than 10) or small
Satterthwaite df (below about 4) even CR2 tests are unreliable; the result carries both so
the reader can judge.

References
----------
Pustejovsky JE, Tipton E (2018). Small-sample methods for cluster-robust variance
estimation and hypothesis testing in fixed effects models. J Bus Econ Stat 36(4):672-683.
Tipton E (2015). Small sample adjustments for robust variance estimation with
meta-regression. Psychol Methods 20(3):375-393.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from reviewlib.errors import UsageError
from reviewlib.meta import core


@dataclass(frozen=True)
class RobustResult:
    """CR2 cluster-robust test of a pooled mean.

    Attributes
    ----------
    estimate : float
        The model's estimate (unchanged by the robust variance).
    se, t, df, p : float
        CR2 standard error, t statistic, Satterthwaite degrees of freedom, two-sided p.
    ci_low, ci_high : float
        Confidence interval ``estimate -/+ t_{df} se``.
    n_clusters : int
    level : float
    """

    estimate: float
    se: float
    t: float
    df: float
    p: float
    ci_low: float
    ci_high: float
    n_clusters: int
    level: float
    cluster_name: str = "cluster"

    def to_dict(self) -> dict:
        """The numbers under the names the command line prints (``robust_*``)."""
        return dict(robust_se=self.se, robust_t=self.t, robust_df=self.df, robust_p=self.p,
                    robust_ci_low=self.ci_low, robust_ci_high=self.ci_high,
                    robust_clusters=self.n_clusters, robust_cluster=self.cluster_name)

    def summary(self) -> str:
        """One paragraph of text."""
        warn = ""
        if self.n_clusters < 10 or self.df < 4:
            warn = (f"\n  (few clusters or small df: robust tests are approximate here)")
        return (f"Cluster-robust (CR2) inference, {self.n_clusters} clusters of "
                f"{self.cluster_name}:\n  se = {self.se:.4f}, t = {self.t:.4f}, "
                f"df = {self.df:.2f} (Satterthwaite), p = {self.p:.4g}, {self.level:g}% CI "
                f"[{self.ci_low:.4f}, {self.ci_high:.4f}]" + warn)

    def __str__(self) -> str:
        return self.summary()


def _pinv_sqrt(B: np.ndarray) -> np.ndarray:
    """Symmetric square root of the Moore-Penrose inverse of a symmetric PSD matrix."""
    vals, vecs = np.linalg.eigh(0.5 * (B + B.T))
    tol = vals.max(initial=0.0) * B.shape[0] * np.finfo(float).eps * 10
    inv = np.where(vals > tol, 1.0 / np.sqrt(np.where(vals > tol, vals, 1.0)), 0.0)
    return (vecs * inv) @ vecs.T


def cr2(y: np.ndarray, estimate: float, phi_blocks: list[np.ndarray],
        rows: list[np.ndarray], level: float = 95, cluster_name: str = "cluster") -> RobustResult:
    """CR2 test of an intercept-only model whose working covariance is block-diagonal.

    Parameters
    ----------
    y : ndarray, shape (k,)
        Effects.
    estimate : float
        The fitted (GLS) mean, ``sum(1' Phi^-1 y) / sum(1' Phi^-1 1)``.
    phi_blocks : list of ndarray
        The fitted covariance of each cluster (its inverse is the weight matrix).
    rows : list of ndarray
        The effects of each cluster, in the order of ``phi_blocks``.
    """
    m = len(rows)
    if m < 2:
        raise UsageError(f"cluster-robust inference needs at least two clusters of "
                         f"{cluster_name}; all effects are in one")
    winv1 = [np.linalg.solve(P, np.ones(P.shape[0])) for P in phi_blocks]   # W_c 1
    M = 1.0 / sum(float(w.sum()) for w in winv1)
    g, s = [], np.empty(m)
    for c, (P, w1) in enumerate(zip(phi_blocks, winv1)):
        D = np.linalg.cholesky(P).T                      # P = D'D
        B = D @ (P - M) @ D.T
        A = D.T @ _pinv_sqrt(B) @ D
        gc = A @ w1 * M                                  # A_c W_c X_c M
        g.append(gc)
        s[c] = gc @ P @ gc
    a = np.array([gc.sum() for gc in g])
    resid = [y[r] - estimate for r in rows]
    var = float(sum((gc @ e) ** 2 for gc, e in zip(g, resid)))
    omega = -M * np.outer(a, a)
    omega[np.diag_indices(m)] += s
    df = float(np.trace(omega) ** 2 / np.sum(omega**2))
    se = float(np.sqrt(var))
    t = estimate / se if se > 0 else np.inf * np.sign(estimate)
    q = float(sps.t.isf((1 - level / 100) / 2, df))
    return RobustResult(estimate=float(estimate), se=se, t=float(t), df=df,
                        p=float(2 * sps.t.sf(abs(t), df)), ci_low=estimate - q * se,
                        ci_high=estimate + q * se, n_clusters=m, level=level,
                        cluster_name=cluster_name)


def robust(fit, cluster, level: float | None = None, cluster_name: str | None = None) -> RobustResult:
    """CR2 cluster-robust test of the pooled mean of a fitted model.

    Parameters
    ----------
    fit : MetaResult or MultilevelResult
        An intercept-only model from :func:`reviewlib.meta.pool` (any estimator; the working
        covariance is ``diag(vi + tau^2)``) or :func:`reviewlib.meta.multilevel`.
    cluster : array-like, shape (k,)
        Cluster of each effect (e.g. study).  For a multilevel fit every outer cluster of
        the model must lie within one robust cluster (clubSandwich's requirement that the
        working covariance be block-diagonal by cluster).
    level : float, optional
        Confidence level in percent (default: the fit's).

    Raises
    ------
    UsageError
        Fewer than two clusters, missing cluster labels, or clusters that cut across the
        multilevel model's outer clusters.
    """
    from reviewlib.meta.multilevel import MultilevelResult, cluster_labels
    name = cluster_name or "cluster"
    lv = core.check_level(fit.level if level is None else level)
    codes = pd.factorize(cluster_labels(name, cluster, fit.k))[0]
    order = np.argsort(codes, kind="stable")
    rows = np.split(order, np.flatnonzero(np.diff(codes[order])) + 1)
    if isinstance(fit, MultilevelResult):
        outer_code = pd.factorize(fit.outer)[0]
        per_outer = pd.Series(codes).groupby(outer_code).nunique()
        if (per_outer > 1).any():
            bad = fit.outer[np.flatnonzero(outer_code == per_outer.index[per_outer > 1][0])[0]]
            raise UsageError(f"{fit.outer_name} {bad!r} is split across several clusters of "
                             f"{name}; robust clusters must contain whole {fit.outer_name} "
                             f"clusters of the model (use {fit.outer_name} itself, or coarser)")
        phi = fit.covariance_blocks(rows)
    else:
        d = fit.vi + fit.tau2
        phi = [np.diag(d[r]) for r in rows]
    return cr2(np.asarray(fit.yi, dtype=float), float(fit.estimate), phi, rows, lv, name)
