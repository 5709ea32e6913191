"""Three-level random-effects model for dependent effects (R metafor's ``rma.mv``).

Effects nested in samples nested in studies are not independent: two effects of one sample
share its sampling error and its true effect.  The three-level model

    y_ij = mu + u_i + w_ij + e_ij,   u_i ~ N(0, sigma2_1), w_ij ~ N(0, sigma2_2),
    e_ij ~ N(0, v_ij)

gives every outer cluster ``i`` (a study) its own random effect and every inner group
``j`` within it (a sample, or a single effect) another; it is metafor's
``rma.mv(yi, vi, random = ~ 1 | outer/inner)``.  The variance components are estimated by
REML (default) or ML: the (restricted) likelihood is maximised over sigma2 >= 0 with its
analytic gradient (L-BFGS-B, then Newton steps on the interior to the exact optimum).
The marginal covariance is block-diagonal by outer cluster; clusters of equal size are
inverted together, so a fit costs O(sum n_i^3).

:func:`multilevel` returns a :class:`MultilevelResult`; ``result.robust(cluster)`` (or
:func:`reviewlib.meta.robust.robust`) adds CR2 cluster-robust inference.

Q is the test of residual heterogeneity against the sampling variances alone (metafor's
``QE``); sigma2 is listed outer level first, as metafor does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize
from scipy import stats as sps

from reviewlib.errors import ConvergenceError, UsageError
from reviewlib.meta import core

#: Gradient norm (relative to the scale of the data) at which the optimum is accepted.
GRAD_TOL = 1e-10

METHODS_MV: tuple[str, ...] = ("REML", "ML")


@dataclass(frozen=True)
class _Blocks:
    """The data grouped by outer cluster, clusters of equal size stacked together."""

    k: int
    y: list[np.ndarray]        # per size group: (c, n)
    v: list[np.ndarray]        # (c, n)
    same_inner: list[np.ndarray]  # (c, n, n), 1 where two rows share an inner group
    rows: list[np.ndarray]     # (c, n) row numbers into the original order

    def covariance(self, s1: float, s2: float) -> list[np.ndarray]:
        """Marginal covariance of each cluster: diag(v) + s1 J + s2 B."""
        out = []
        for v, b in zip(self.v, self.same_inner):
            n = v.shape[1]
            V = s1 + s2 * b
            V[:, np.arange(n), np.arange(n)] += v
            out.append(V)
        return out


def _blocks(y: np.ndarray, v: np.ndarray, outer_code: np.ndarray,
            inner_code: np.ndarray) -> _Blocks:
    order = np.argsort(outer_code, kind="stable")
    bounds = np.flatnonzero(np.diff(outer_code[order])) + 1
    clusters = np.split(order, bounds)
    by_size: dict[int, list[np.ndarray]] = {}
    for rows in clusters:
        by_size.setdefault(len(rows), []).append(rows)
    ys, vs, bs, rs = [], [], [], []
    for n in sorted(by_size):
        rows = np.array(by_size[n])
        ys.append(y[rows])
        vs.append(v[rows])
        ic = inner_code[rows]
        bs.append((ic[:, :, None] == ic[:, None, :]).astype(float))
        rs.append(rows)
    return _Blocks(len(y), ys, vs, bs, rs)


@dataclass(frozen=True)
class _Eval:
    loglik: float
    grad: np.ndarray
    beta: float
    a: float  # 1' V^-1 1


def _evaluate(blocks: _Blocks, s: np.ndarray, restricted: bool) -> _Eval:
    """(Restricted) log-likelihood, its gradient in (sigma2_1, sigma2_2), and the GLS mean."""
    Vs = blocks.covariance(float(s[0]), float(s[1]))
    Vinv = [np.linalg.inv(V) for V in Vs]
    logdet = sum(float(np.linalg.slogdet(V)[1].sum()) for V in Vs)
    u = [Vi.sum(axis=2) for Vi in Vinv]                       # V^-1 1, (c, n)
    a = sum(float(ui.sum()) for ui in u)
    beta = sum(float(np.sum(ui * y)) for ui, y in zip(u, blocks.y)) / a
    Pr = [np.einsum("cij,cj->ci", Vi, y - beta) for Vi, y in zip(Vinv, blocks.y)]
    rss = sum(float(np.sum(p * (y - beta))) for p, y in zip(Pr, blocks.y))
    k = blocks.k
    if restricted:
        ll = -0.5 * (k - 1) * np.log(2 * np.pi) + 0.5 * np.log(k) - 0.5 * (logdet + np.log(a) + rss)
    else:
        ll = -0.5 * k * np.log(2 * np.pi) - 0.5 * (logdet + rss)
    grad = np.zeros(2)
    for Vi, ui, p, b in zip(Vinv, u, Pr, blocks.same_inner):
        tr = np.array([Vi.sum(), np.sum(Vi * b)])
        quad = np.array([np.sum(p.sum(axis=1) ** 2), np.einsum("ci,cij,cj->", p, b, p)])
        g = quad - tr
        if restricted:
            g += np.array([np.sum(ui.sum(axis=1) ** 2), np.einsum("ci,cij,cj->", ui, b, ui)]) / a
        grad += 0.5 * g
    return _Eval(float(ll), grad, beta, a)


def _maximise(blocks: _Blocks, restricted: bool, scale: float) -> tuple[np.ndarray, bool, int]:
    """Maximise the likelihood over sigma2 >= 0: L-BFGS-B from a moment-based start, then
    Newton steps (finite-difference Hessian of the analytic gradient) on the free
    components until the gradient vanishes."""

    def negative(s):
        e = _evaluate(blocks, s, restricted)
        return -e.loglik, -e.grad

    start = np.full(2, scale / 2)
    opt = optimize.minimize(negative, start, jac=True, method="L-BFGS-B",
                            bounds=[(0.0, None), (0.0, None)],
                            options=dict(ftol=1e-15, gtol=1e-13 * max(1.0, 1 / scale),
                                         maxiter=10000, maxls=100))
    s = np.maximum(opt.x, 0.0)
    iters = int(opt.nit)
    for _ in range(100):
        e = _evaluate(blocks, s, restricted)
        free = ~((s <= 0) & (e.grad <= 0))        # a component at 0 with the gradient pointing out stays
        if not free.any() or np.max(np.abs(e.grad[free]) * np.maximum(s[free], scale)) < GRAD_TOL * max(1.0, abs(e.loglik)):
            return s, True, iters
        h = 1e-6 * np.maximum(s, scale * 1e-3)
        H = np.empty((2, 2))
        for j in range(2):
            d = np.zeros(2)
            d[j] = h[j]
            H[:, j] = (_evaluate(blocks, s + d, restricted).grad
                       - _evaluate(blocks, np.maximum(s - d, 0.0), restricted).grad) / (
                h[j] + min(h[j], s[j]))
        H = 0.5 * (H + H.T)
        idx = np.flatnonzero(free)
        Hf = H[np.ix_(idx, idx)]
        try:
            step = -np.linalg.solve(Hf, e.grad[idx])
        except np.linalg.LinAlgError:
            break
        if not np.all(np.linalg.eigvalsh(Hf) < 0):  # not a maximum locally: stop polishing
            break
        new = s.copy()
        new[idx] = np.maximum(s[idx] + step, 0.0)
        if _evaluate(blocks, new, restricted).loglik < e.loglik - 1e-12 * max(1.0, abs(e.loglik)):
            break
        iters += 1
        if np.max(np.abs(new - s)) <= 1e-14 * max(scale, float(np.max(s))):
            s = new
            return s, True, iters
        s = new
    e = _evaluate(blocks, s, restricted)
    free = ~((s <= 0) & (e.grad <= 0))
    ok = not free.any() or bool(np.max(np.abs(e.grad[free]) * np.maximum(s[free], scale))
                                < 1e-6 * max(1.0, abs(e.loglik)))
    return s, ok, iters


@dataclass(frozen=True, eq=False)
class MultilevelResult:
    """A fitted three-level model (as metafor's ``rma.mv(yi, vi, random = ~ 1 | outer/inner)``).

    ``summary()`` gives a text report, ``to_dict()`` the numbers, ``robust(cluster)`` CR2
    cluster-robust inference (:class:`reviewlib.meta.robust.RobustResult`).

    Attributes
    ----------
    k : int
        Number of effects.
    method : str
        ``"REML"`` or ``"ML"``.
    estimate, se, zval, pval, ci_low, ci_high : float
        Pooled mean, its model-based standard error, Wald z test and confidence interval.
    sigma2 : tuple of float
        Variance components, outer level first.
    n_levels : tuple of int
        Number of outer clusters and of inner groups.
    q, q_df, q_p : float, int, float
        Test of residual heterogeneity (metafor's QE).
    loglik : float
        (Restricted) log-likelihood at the estimate (metafor's ``logLik``).
    yi, vi, outer, inner : ndarray
        The data, in the order given.
    """

    k: int
    method: str
    level: float
    estimate: float
    se: float
    zval: float
    pval: float
    ci_low: float
    ci_high: float
    sigma2: tuple[float, float]
    n_levels: tuple[int, int]
    q: float
    q_df: int
    q_p: float
    loglik: float
    converged: bool
    iterations: int
    outer_name: str
    inner_name: str
    yi: np.ndarray = field(repr=False)
    vi: np.ndarray = field(repr=False)
    outer: np.ndarray = field(repr=False)
    inner: np.ndarray = field(repr=False)

    def covariance_blocks(self, rows: list[np.ndarray]) -> list[np.ndarray]:
        """The fitted marginal covariance of the effects in each array of ``rows``."""
        out_code = pd.factorize(self.outer)[0]
        in_code = pd.factorize(pd.Series(list(zip(self.outer, self.inner))))[0]
        s1, s2 = self.sigma2
        blocks = []
        for r in rows:
            V = (s1 * (out_code[r, None] == out_code[None, r])
                 + s2 * (in_code[r, None] == in_code[None, r])).astype(float)
            V[np.arange(r.size), np.arange(r.size)] += self.vi[r]
            blocks.append(V)
        return blocks

    def robust(self, cluster, level: float | None = None):
        """CR2 cluster-robust test of the pooled mean (clubSandwich ``coef_test``)."""
        from reviewlib.meta.robust import robust
        return robust(self, cluster, level=self.level if level is None else level)

    def to_dict(self) -> dict:
        """The numbers, JSON-ready (``sigma2`` as a list, outer level first)."""
        return dict(k=self.k, method=self.method, level=self.level, estimate=self.estimate,
                    se=self.se, zval=self.zval, pval=self.pval, ci_low=self.ci_low,
                    ci_high=self.ci_high, sigma2=list(self.sigma2), n_levels=list(self.n_levels),
                    levels=[self.outer_name, self.inner_name], q=self.q, q_df=self.q_df,
                    q_p=self.q_p, loglik=self.loglik, converged=self.converged)

    def summary(self) -> str:
        """A metafor-like text report."""
        lv = f"{self.level:g}%"
        return "\n".join([
            f"Multilevel random-effects model (k = {self.k}; method: {self.method})",
            "",
            "Variance components:",
            f"  sigma^2.1 = {self.sigma2[0]:.4f}  ({self.n_levels[0]} levels of {self.outer_name})",
            f"  sigma^2.2 = {self.sigma2[1]:.4f}  ({self.n_levels[1]} levels of "
            f"{self.outer_name}/{self.inner_name})",
            "",
            f"Test for heterogeneity: Q({self.q_df}) = {self.q:.4f}, p = {self.q_p:.4g}",
            "",
            f"estimate = {self.estimate:.4f}, se = {self.se:.4f}, z = {self.zval:.4f}, "
            f"p = {self.pval:.4g}, {lv} CI [{self.ci_low:.4f}, {self.ci_high:.4f}]",
        ])

    def __str__(self) -> str:
        return self.summary()


def cluster_labels(name: str, values, k: int) -> np.ndarray:
    """Cluster labels as stripped strings, one per effect; UsageError naming missing ones."""
    arr = np.asarray(values, dtype=object).ravel()
    if arr.size != k:
        raise UsageError(f"{name} has {arr.size} values for {k} effects; give one per effect")
    missing = np.array([x is None or (isinstance(x, float) and np.isnan(x)) or str(x).strip() == ""
                        for x in arr])
    if missing.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(missing)[:5])
        raise UsageError(f"{name} is missing for effect {rows}; every effect needs its cluster")
    return np.array([str(x).strip() for x in arr], dtype=object)


def multilevel(yi, vi, outer, inner, method: str = "REML", level: float = 95,
               data: pd.DataFrame | None = None,
               names: tuple[str, str] | None = None) -> MultilevelResult:
    """Fit the three-level random-effects model ``rma.mv(yi, vi, random = ~ 1 | outer/inner)``.

    Parameters
    ----------
    yi, vi : array-like of float, shape (k,), or column names in ``data``
        Effects and their sampling variances (> 0).
    outer, inner : array-like, shape (k,), or column names in ``data``
        Cluster (e.g. study) and group within it (e.g. sample, or one id per effect).
        Inner labels are read within their outer cluster: school 1 of district 11 and
        school 1 of district 12 are different groups, as in metafor's ``outer/inner``.
    method : {"REML", "ML"}
    level : float
        Confidence level in percent.

    Raises
    ------
    UsageError
        Bad effects, missing cluster labels, fewer than two outer clusters, or a design in
        which the two levels cannot be told apart (every cluster holds one inner group).
    ConvergenceError
        When the likelihood has no maximum the optimiser can certify.

    Examples
    --------
    >>> res = multilevel([0.1, 0.3, 0.2, 0.5, 0.4, 0.0], [0.02, 0.03, 0.02, 0.04, 0.03, 0.02],
    ...                  outer=["a", "a", "b", "b", "c", "c"], inner=[1, 2, 1, 2, 1, 1])
    >>> res.k, len(res.sigma2)
    (6, 2)
    """
    names = names or (outer if isinstance(outer, str) else "outer",
                      inner if isinstance(inner, str) else "inner")
    cols = {}
    for key, val in (("yi", yi), ("vi", vi), ("outer", outer), ("inner", inner)):
        if data is not None and isinstance(val, str):
            if val not in data.columns:
                raise UsageError(f"no column {val!r} in data (columns: {', '.join(map(str, data.columns))})")
            val = data[val].to_numpy()
        cols[key] = val
    method = str(method).upper()
    if method not in METHODS_MV:
        raise UsageError(f"unknown method {method!r} for the multilevel model; choose REML or ML")
    level = core.check_level(level)
    y, v, _ = core.check_effects(cols["yi"], cols["vi"])
    k = y.size
    out = cluster_labels(names[0], cols["outer"], k)
    inn = cluster_labels(names[1], cols["inner"], k)
    out_code = pd.factorize(out)[0]
    in_code = pd.factorize(pd.Series(list(zip(out, inn))))[0]
    n_out, n_in = int(out_code.max()) + 1, int(in_code.max()) + 1
    if n_out < 2:
        raise UsageError(f"all {k} effects are in one {names[0]} cluster; the multilevel model "
                         "needs at least two")
    if n_in == n_out:
        raise UsageError(f"every {names[0]} cluster holds a single {names[1]} group, so the two "
                         "variance components cannot be told apart; fit a two-level model "
                         "(pool, or --multilevel with the effect as inner level)")
    blocks = _blocks(y, v, out_code, in_code)
    scale = max(float(np.var(y)), float(np.mean(v)) * 1e-3, 1e-12)
    with np.errstate(all="ignore"):
        s, ok, iters = _maximise(blocks, method == "REML", scale)
    if not ok:
        raise ConvergenceError(f"the {method} likelihood of the multilevel model has no "
                               "maximum the optimiser could confirm")
    e = _evaluate(blocks, s, method == "REML")
    se = float(np.sqrt(1.0 / e.a))
    zval = e.beta / se
    z = float(sps.norm.isf((1 - level / 100) / 2))
    w = 1.0 / v
    q = float(np.sum(w * (y - np.sum(w * y) / w.sum()) ** 2))
    return MultilevelResult(
        k=k, method=method, level=level, estimate=e.beta, se=se, zval=zval,
        pval=float(2 * sps.norm.sf(abs(zval))), ci_low=e.beta - z * se, ci_high=e.beta + z * se,
        sigma2=(float(s[0]), float(s[1])), n_levels=(n_out, n_in), q=q, q_df=k - 1,
        q_p=float(sps.chi2.sf(q, k - 1)), loglik=e.loglik, converged=ok, iterations=iters,
        outer_name=str(names[0]), inner_name=str(names[1]), yi=y, vi=v, outer=out, inner=inn)
