"""The inverse-variance random-effects model, fitted for a batch of study subsets.

:func:`fit_batch` is the one place where a model is fitted: the pooled estimate, every
leave-one-out and cumulative fit, the trim-and-fill steps and meta-regression all go
through it, so they cannot disagree about a definition.  It follows R metafor's
``rma.uni`` (Viechtbauer 2010) step by step:

1. tau^2 from the chosen estimator (:mod:`reviewlib.meta.estimators`);
2. coefficients by weighted least squares with ``w = 1/(v + tau^2)``;
3. under Knapp and Hartung (2003) the covariance is multiplied by
   ``s^2 = sum w e^2 / (k - p)`` (not truncated at 1; 0 when the residuals are all 0) and
   tests and intervals use t with k - p degrees of freedom;
4. Cochran's Q (Q_E) with fixed-effect weights 1/v; I^2 and H^2 from tau^2 and metafor's
   typical within-study variance ``(k - p)/tr(P)`` (Higgins & Thompson 2002) -- for the
   fixed-effect model from Q instead: ``I^2 = max(0, 100 (Q - df)/Q)``, ``H^2 = Q/df``;
5. the omnibus Wald test of the moderators (Q_M; an F test under Knapp-Hartung);
6. for an intercept-only model the prediction interval
   ``estimate +/- crit * sqrt(se^2 + tau^2)`` (Riley et al. 2011, with the z or t critical
   value that metafor's ``predict`` uses).

A fit with a single study is the fixed-effect model with a z test, as in metafor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from reviewlib.errors import UsageError
from reviewlib.meta import estimators, stats

#: Allowed values of ``test=``: "z" (Wald, normal) and "knha" (Knapp & Hartung 2003).
TESTS: tuple[str, ...] = ("z", "knha")


def check_test(test: str) -> str:
    """Canonical test name; ``"kh"`` and ``"hksj"`` are accepted for "knha"."""
    name = str(test).lower()
    if name in ("kh", "hksj", "knapp-hartung"):
        name = "knha"
    if name not in TESTS:
        raise UsageError(f"unknown test {test!r}; choose 'z' or 'knha' (Knapp-Hartung; "
                         "also spelled 'kh' or 'hksj')")
    return name


def check_level(level: float) -> float:
    """Confidence level as a percentage; 0.95 and 95 both mean 95 %."""
    try:
        lv = float(level)
    except (TypeError, ValueError) as e:
        raise UsageError(f"level must be a number such as 95, not {level!r}") from e
    if 0 < lv < 1:
        lv *= 100.0
    if not 0 < lv < 100:
        raise UsageError(f"level must lie between 0 and 100 (a percentage), not {level!r}")
    return lv


@dataclass(frozen=True)
class BatchFit:
    """Everything ``rma.uni`` reports, for ``m`` fits at once (arrays lead with m).

    ``beta``, ``se``, ``stat``, ``pval``, ``ci_low`` and ``ci_high`` have shape (m, p);
    ``vb`` has shape (m, p, p); everything else has shape (m,).  ``ddf`` is NaN for
    z tests.  ``pi_low``/``pi_high`` are for the first coefficient (the pooled effect of
    an intercept-only model).
    """

    method: str
    test: str
    level: float
    k: np.ndarray
    df: np.ndarray
    tau2: np.ndarray
    se_tau2: np.ndarray
    converged: np.ndarray
    iterations: np.ndarray
    beta: np.ndarray
    vb: np.ndarray
    se: np.ndarray
    stat: np.ndarray
    pval: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    crit: np.ndarray
    ddf: np.ndarray
    s2w: np.ndarray
    weights: np.ndarray
    q: np.ndarray
    q_p: np.ndarray
    vt: np.ndarray
    i2: np.ndarray
    h2: np.ndarray
    qm: np.ndarray
    qm_df: np.ndarray
    qm_ddf: np.ndarray
    qm_p: np.ndarray
    pi_low: np.ndarray
    pi_high: np.ndarray


def fit_batch(y: np.ndarray, v: np.ndarray, X: np.ndarray, mask: np.ndarray, method: str,
              test: str = "z", level: float = 95.0, btt: np.ndarray | None = None) -> BatchFit:
    """Fit the model ``y ~ X`` with tau^2 from ``method`` to each subset in ``mask``.

    Parameters
    ----------
    y, v : ndarray, shape (k,)
        Effects and positive sampling variances (checked by the caller).
    X : ndarray, shape (k, p)
        Design matrix.
    mask : ndarray, shape (m, k)
        1 where a fit uses a study.
    method : str
        tau^2 estimator (see :data:`reviewlib.meta.estimators.METHODS`).
    test : {"z", "knha"}
    level : float
        Confidence level in percent.
    btt : ndarray of int, optional
        Columns tested by Q_M; default every column but an intercept (a column of ones).

    Returns
    -------
    BatchFit
    """
    method = estimators.check_method(method)
    test = check_test(test)
    level = check_level(level)
    mask = np.atleast_2d(np.asarray(mask, dtype=float))
    X = np.asarray(X, dtype=float)
    m = mask.shape[0]
    p = X.shape[1]
    k = mask.sum(axis=1)
    df = k - p
    est = estimators.estimate_tau2(y, v, X, mask, method)
    tau2 = est.tau2

    with np.errstate(divide="ignore", invalid="ignore"):
        fit = stats.wls(y, X, mask / (v[None, :] + tau2[:, None]))
        knha = (test == "knha") & (k > 1)  # metafor switches to z for k = 1
        rss = fit.rss
        s2w = np.where(knha, np.where(rss <= stats.RSS_ZERO, 0.0, rss / df), 1.0)
        vb = fit.A * s2w[:, None, None]
        se = np.sqrt(np.einsum("mpp->mp", vb))
        stat = fit.beta / se
        alpha = 1.0 - level / 100.0
        ddf = np.where(knha, df, np.nan)
        crit_t = sps.t.isf(alpha / 2, np.where(df > 0, df, 1))
        crit = np.where(knha, np.where(df > 0, crit_t, np.nan), sps.norm.isf(alpha / 2))
        p_t = 2 * sps.t.sf(np.abs(stat), np.where(df > 0, df, 1)[:, None])
        pval = np.where(knha[:, None], np.where((df > 0)[:, None], p_t, np.nan),
                        2 * sps.norm.sf(np.abs(stat)))
        ci_low = fit.beta - crit[:, None] * se
        ci_high = fit.beta + crit[:, None] * se

        # heterogeneity, always with fixed-effect weights
        fe = stats.q_statistic(y, v, X, mask)
        has_df = df > 0
        q = np.where(has_df, np.maximum(0.0, fe.rss), 0.0)
        q_p = np.where(has_df, sps.chi2.sf(q, np.where(has_df, df, 1)), 1.0)
        vt = np.where(has_df, stats.typical_variance(fe, X, df), 0.0)
        if method == "FE":
            i2 = np.maximum(0.0, 100.0 * (q - df) / q)
            i2 = np.where(np.isnan(i2), 0.0, i2)
            h2 = q / df
        else:
            i2 = 100.0 * tau2 / (vt + tau2)
            h2 = tau2 / vt + 1.0
        i2 = np.where(has_df, i2, 0.0)
        h2 = np.where(has_df, h2, 1.0)

        # omnibus test of the moderators
        if btt is None:
            intercept = [j for j in range(p) if np.all(X[:, j] == 1.0)]
            btt = np.array([j for j in range(p) if j not in intercept] or [0])
        btt = np.asarray(btt, dtype=int)
        b = fit.beta[:, btt]
        vbb = vb[:, btt][:, :, btt]
        qm = np.einsum("mp,mpq,mq->m", b, _safe_inv(vbb), b)
        qm_df = np.full(m, float(len(btt)))
        qm_ddf = np.where(knha, df, np.nan)
        qm = np.where(knha, qm / len(btt), qm)
        qm_p = np.where(knha, np.where(df > 0, sps.f.sf(qm, len(btt), np.where(df > 0, df, 1)),
                                       np.nan),
                        sps.chi2.sf(qm, len(btt)))

        sd_pred = np.sqrt(se[:, 0] ** 2 + tau2)
        pi_low = fit.beta[:, 0] - crit * sd_pred
        pi_high = fit.beta[:, 0] + crit * sd_pred

    return BatchFit(method=method, test=test, level=level, k=k, df=df, tau2=tau2,
                    se_tau2=est.se_tau2, converged=est.converged, iterations=est.iterations,
                    beta=fit.beta, vb=vb, se=se, stat=stat, pval=pval, ci_low=ci_low,
                    ci_high=ci_high, crit=crit, ddf=ddf, s2w=s2w, weights=fit.w, q=q, q_p=q_p,
                    vt=vt, i2=i2, h2=h2, qm=qm, qm_df=qm_df, qm_ddf=qm_ddf, qm_p=qm_p,
                    pi_low=pi_low, pi_high=pi_high)


def _safe_inv(a: np.ndarray) -> np.ndarray:
    """Inverse of each matrix; NaN where it is singular (e.g. a Knapp-Hartung scale of 0)."""
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        pass
    out = np.full_like(a, np.nan)
    for i in range(a.shape[0]):
        try:
            out[i] = np.linalg.inv(a[i])
        except np.linalg.LinAlgError:
            pass
    return out


def intercept_design(k: int) -> np.ndarray:
    """Design matrix of the intercept-only model: a (k, 1) column of ones."""
    return np.ones((k, 1))


def _where(bad: np.ndarray, labels) -> str:
    """'3 (Aronson 1948), 7 (...)' for the 1-based positions flagged in ``bad``."""
    idx = np.flatnonzero(bad)
    shown = [f"{i + 1} ({labels[i]})" if labels is not None else str(i + 1) for i in idx[:10]]
    more = f" and {len(idx) - 10} more" if len(idx) > 10 else ""
    return ", ".join(shown) + more


def _one_dimensional(name: str, values) -> np.ndarray:
    """``values`` as a 1-D array; a row or column vector is accepted, a table is not.

    Flattening a (2, k) table would silently pool 2k "studies" made of two columns.
    """
    arr = np.asarray(values)
    if sum(n > 1 for n in arr.shape) > 1:
        raise UsageError(f"{name} must be one value per study (1-D), not an array of shape "
                         f"{arr.shape}; pass a single column")
    return arr.ravel()


def check_effects(yi, vi, labels=None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Validate effects and sampling variances; return float arrays and labels.

    Raises
    ------
    UsageError
        On a table instead of one value per study, different lengths, no studies, values
        that are not numbers, missing values
        (NaN) or infinities, and sampling variances that are zero or negative -- naming the
        studies (1-based position and label).
    """
    y_raw = _one_dimensional("yi", yi)
    v_raw = _one_dimensional("vi", vi)
    if y_raw.shape != v_raw.shape:
        raise UsageError(f"yi has {y_raw.size} values but vi has {v_raw.size}; "
                         "give one sampling variance per effect")
    if y_raw.size == 0:
        raise UsageError("no studies to pool (yi is empty)")
    if labels is None:
        labels = np.char.add("Study ", np.arange(1, y_raw.size + 1).astype(str)).tolist()
    else:
        labels = [str(x) for x in np.asarray(labels, dtype=object).ravel()]
        if len(labels) != y_raw.size:
            raise UsageError(f"{len(labels)} labels for {y_raw.size} studies")
    out = []
    for name, raw in (("yi", y_raw), ("vi", v_raw)):
        notnum = np.zeros(raw.size, dtype=bool)
        try:
            arr = raw.astype(float)
        except (TypeError, ValueError):  # find the cells that are not numbers
            arr = np.empty(raw.size)
            for i, x in enumerate(raw):
                try:
                    arr[i] = float(x)
                except (TypeError, ValueError):
                    notnum[i] = True
                    arr[i] = np.nan
        if notnum.any():
            raise UsageError(f"{name} is not a number for study {_where(notnum, labels)}")
        if np.isnan(arr).any():
            raise UsageError(f"{name} is missing (NaN) for study {_where(np.isnan(arr), labels)}")
        if np.isinf(arr).any():
            raise UsageError(f"{name} is infinite for study {_where(np.isinf(arr), labels)}")
        out.append(arr)
    y, v = out
    if (v <= 0).any():
        raise UsageError("sampling variances must be positive; vi <= 0 for study "
                         f"{_where(v <= 0, labels)}")
    return y, v, labels


#: Largest number of (fit x study) cells fitted in one batch.  Each (m, k) array of the
#: batch is then 2 MB, small enough to stay in the processor's cache across the dozen
#: passes an iteration makes; measured 5x faster than one 16 MB pass for k = 1,000.
BATCH_CELLS = 250_000


def fit_subsets(y: np.ndarray, v: np.ndarray, X: np.ndarray, rows, m: int, method: str,
                test: str, level: float) -> BatchFit:
    """:func:`fit_batch` over ``m`` subsets built on demand, in memory-bounded chunks.

    ``rows(start, stop)`` returns the 0/1 mask rows ``start:stop`` (shape
    ``(stop - start, k)``); the chunks' results are concatenated.
    """
    k = len(y)
    step = max(1, BATCH_CELLS // max(k, 1))
    parts = [fit_batch(y, v, X, rows(a, min(m, a + step)), method, test, level)
             for a in range(0, m, step)]
    if len(parts) == 1:
        return parts[0]
    merged = {}
    for name in BatchFit.__dataclass_fields__:
        first = getattr(parts[0], name)
        merged[name] = (np.concatenate([getattr(p_, name) for p_ in parts])
                        if isinstance(first, np.ndarray) else first)
    return BatchFit(**merged)
