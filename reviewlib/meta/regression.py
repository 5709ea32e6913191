"""Mixed-effects meta-regression (R metafor's ``rma(yi, vi, mods = ~ ...)``).

tau^2 (here the *residual* heterogeneity) comes from the same estimators as pooling
(:mod:`reviewlib.meta.estimators`, generalised to a design matrix as in metafor).  Given
tau^2 the coefficients are a weighted least-squares fit with weights 1/(v + tau^2), done
by statsmodels' WLS: with the scale fixed at 1 for the z test, and with statsmodels'
residual scale ``sum w e^2 / (k - p)`` and t(k - p) for Knapp-Hartung (Knapp & Hartung
2003).  Reported as metafor does: the test of residual heterogeneity Q_E, the omnibus
test of the moderators Q_M (chi^2, or F under Knapp-Hartung), and the proportion of
heterogeneity accounted for, ``R^2 = max(0, 100 (tau2_0 - tau2) / tau2_0)`` with tau2_0
from the model without moderators (Raudenbush 2009).

References
----------
Raudenbush SW (2009). Analyzing effect sizes: random-effects models. In Cooper H,
Hedges LV, Valentine JC (eds), The Handbook of Research Synthesis and Meta-Analysis,
2nd ed., 295-315.
Thompson SG, Higgins JPT (2002). How should meta-regression analyses be undertaken and
interpreted? Stat Med 21(11):1559-1573.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from reviewlib.errors import ConvergenceError, UsageError
from reviewlib.meta import core, estimators


@dataclass(frozen=True, eq=False)
class MetaRegressionResult:
    """A fitted meta-regression.

    Attributes
    ----------
    coefficients : DataFrame
        Index: "intrcpt" and the moderator names; columns estimate, se, zval (tval under
        Knapp-Hartung), pval, ci_low, ci_high.
    vcov : DataFrame
        Covariance matrix of the coefficients.
    tau2, se_tau2, i2, h2 : float
        Residual heterogeneity.
    qe, qe_p, df : float
        Test for residual heterogeneity (df = k - p).
    qm, qm_df, qm_ddf, qm_p : float
        Omnibus test of the moderators (``qm_ddf`` is NaN for the chi^2 test).
    r2 : float
        Percentage of heterogeneity accounted for, as metafor defines it (NaN without an
        intercept or without moderators).
    k, p : int
    method, test : str
    level : float
    converged : bool
    iterations : int
    design : DataFrame
        The design matrix used (dummy-coded moderators).
    """

    coefficients: pd.DataFrame
    vcov: pd.DataFrame
    tau2: float
    se_tau2: float
    i2: float
    h2: float
    qe: float
    qe_p: float
    df: int
    qm: float
    qm_df: float
    qm_ddf: float
    qm_p: float
    r2: float
    k: int
    p: int
    method: str
    test: str
    level: float
    converged: bool
    iterations: int
    design: pd.DataFrame

    def to_dict(self) -> dict:
        """The numbers, JSON-ready (coefficients as a dict of dicts)."""
        out = {key: getattr(self, key) for key in ("k", "p", "method", "test", "level", "tau2",
               "se_tau2", "i2", "h2", "qe", "qe_p", "df", "qm", "qm_df", "qm_ddf", "qm_p",
               "r2", "converged", "iterations")}
        out["coefficients"] = self.coefficients.to_dict(orient="index")
        return _jsonable(out)

    def summary(self) -> str:
        """metafor-like text report."""
        from reviewlib.meta import text
        return text.regression_summary(self)

    def __str__(self) -> str:
        return self.summary()


def _jsonable(obj):
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (float, np.floating)):
        return None if not np.isfinite(obj) else float(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def _r_squared(y, v, X, method: str, tau2: float) -> float:
    """metafor's R^2 (its default ``r2def = "1"``), in percent.

    Random effects: ``max(0, 100 (tau2_0 - tau2) / tau2_0)`` with tau2_0 from the model
    without moderators (0 when tau2_0 = 0).  Fixed effect: the adjusted R^2 of the
    weighted regression with weights 1/v, floored at 0 (0 when all effects are equal).
    """
    k = len(y)
    if method == "FE":
        if np.var(y) == 0:
            return 0.0
        return max(0.0, 100 * float(sm.WLS(y, X, weights=1.0 / v).fit().rsquared_adj))
    tau2_0 = float(estimators.estimate_tau2(y, v, np.ones((k, 1)), np.ones((1, k)), method).tau2[0])
    if tau2_0 == 0:
        return 0.0
    return max(0.0, 100 * (tau2_0 - tau2) / tau2_0)


def design_matrix(moderators, k: int, intercept: bool = True) -> pd.DataFrame:
    """Design matrix from moderators: numbers as they are, text/categories dummy-coded.

    Categorical columns get treatment coding against their first level in sorted order
    (R's ``factor`` default), named ``<column><level>``.  Missing values, and blank text
    cells, are refused, naming the rows (1-based) and the column.  A text column whose
    every value is a number (as read with ``dtype=str``) is still categorical, with a
    ``UserWarning`` saying so.
    """
    if isinstance(moderators, pd.Series):
        moderators = moderators.to_frame()
    elif not isinstance(moderators, pd.DataFrame):
        arr = np.asarray(moderators, dtype=float)
        arr = arr.reshape(k, -1) if arr.ndim == 1 else arr
        moderators = pd.DataFrame(arr, columns=[f"x{j + 1}" for j in range(arr.shape[1])])
    if len(moderators) != k:
        raise UsageError(f"moderators have {len(moderators)} rows for {k} studies")
    cols = {"intrcpt": np.ones(k)} if intercept else {}
    for name in moderators.columns:
        col = moderators[name].reset_index(drop=True)
        missing = col.isna().to_numpy()
        if missing.any():
            rows = ", ".join(str(i + 1) for i in np.flatnonzero(missing)[:10])
            raise UsageError(f"moderator {name!r} is missing for study {rows}")
        if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
            cols[str(name)] = col.to_numpy(dtype=float)
            continue
        text = col.astype(str)
        blank = (text.str.strip() == "").to_numpy()
        if blank.any():  # a blank cell read as text is missing, not a level of its own
            rows = ", ".join(str(i + 1) for i in np.flatnonzero(blank)[:10])
            raise UsageError(f"moderator {name!r} is blank for study {rows}")
        if pd.to_numeric(text, errors="coerce").notna().all():
            warnings.warn(f"moderator {name!r} holds numbers stored as text; it is treated as "
                          "categorical (one coefficient per level). Convert it with "
                          "pandas.to_numeric to use it as a number.", UserWarning, stacklevel=3)
        levels = sorted(text.unique())
        use = levels[1:] if intercept else levels
        if intercept and len(levels) < 2:
            raise UsageError(f"moderator {name!r} has a single level ({levels[0]!r})")
        for lv in use:
            cols[f"{name}{lv}"] = (text == lv).to_numpy(dtype=float)
    return pd.DataFrame(cols)


def meta_regression(yi, vi, moderators, method: str = "REML", test: str = "z",
                    level: float = 95, intercept: bool = True, labels=None,
                    data: pd.DataFrame | None = None) -> MetaRegressionResult:
    """Mixed-effects meta-regression of effects on study-level moderators.

    Parameters
    ----------
    yi, vi : array-like or column names in ``data``
    moderators : DataFrame, Series, array-like, or list of column names in ``data``
    method : str
        tau^2 estimator (as :func:`reviewlib.meta.pool`).
    test : {"z", "knha"}
    level : float
    intercept : bool
        Include an intercept (then Q_M tests all other coefficients).
    labels : optional
        Study labels, used in error messages.

    Returns
    -------
    MetaRegressionResult

    Examples
    --------
    >>> import pandas as pd
    >>> res = meta_regression([0.1, 0.4, 0.5, 0.9, 1.1], [0.02, 0.03, 0.02, 0.04, 0.03],
    ...                       pd.DataFrame({"dose": [1, 2, 3, 4, 5]}), method="DL")
    >>> list(res.coefficients.index)
    ['intrcpt', 'dose']
    """
    if data is not None:
        yi = data[yi].to_numpy() if isinstance(yi, str) else yi
        vi = data[vi].to_numpy() if isinstance(vi, str) else vi
        labels = data[labels].to_numpy() if isinstance(labels, str) else labels
        if isinstance(moderators, (list, tuple)) and all(isinstance(c, str) for c in moderators):
            moderators = data[list(moderators)]
        elif isinstance(moderators, str):
            moderators = data[[moderators]]
    method = estimators.check_method(method)
    test = core.check_test(test)
    level = core.check_level(level)
    y, v, labels = core.check_effects(yi, vi, labels)
    k = len(y)
    design = design_matrix(moderators, k, intercept=intercept)
    X = design.to_numpy(dtype=float)
    p = X.shape[1]
    if np.linalg.matrix_rank(X) < p:
        raise UsageError(f"the moderators are collinear (design matrix of rank "
                         f"{np.linalg.matrix_rank(X)} with {p} columns: {', '.join(design.columns)})")
    if k <= p:
        raise UsageError(f"{k} studies cannot estimate {p} coefficients and tau^2")
    btt = np.arange(1, p) if intercept and p > 1 else np.arange(p)
    fit = core.fit_batch(y, v, X, np.ones((1, k)), method, test, level, btt=btt)
    if not fit.converged[0]:
        raise ConvergenceError(f"the {method} estimator of tau^2 did not converge")
    tau2 = float(fit.tau2[0])
    wls = sm.WLS(y, X, weights=1.0 / (v + tau2))
    if test == "z":
        ols = wls.fit(cov_type="fixed scale", cov_kwds={"scale": 1.0})
    else:
        ols = wls.fit(use_t=True)
        if fit.s2w[0] == 0.0:  # all residuals 0: metafor reports zero standard errors
            ols = wls.fit(cov_type="fixed scale", cov_kwds={"scale": 0.0}, use_t=True)
    alpha = 1 - level / 100
    ci = np.asarray(ols.conf_int(alpha=alpha))
    stat = "zval" if test == "z" else "tval"
    names = list(design.columns)
    coef = pd.DataFrame({"estimate": ols.params, "se": ols.bse, stat: ols.tvalues,
                         "pval": ols.pvalues, "ci_low": ci[:, 0], "ci_high": ci[:, 1]},
                        index=names)
    vcov = pd.DataFrame(np.asarray(ols.cov_params()), index=names, columns=names)
    r2 = _r_squared(y, v, X, method, tau2) if intercept and p > 1 else float("nan")
    return MetaRegressionResult(
        coefficients=coef, vcov=vcov, tau2=tau2, se_tau2=float(fit.se_tau2[0]),
        i2=float(fit.i2[0]), h2=float(fit.h2[0]), qe=float(fit.q[0]), qe_p=float(fit.q_p[0]),
        df=int(fit.df[0]), qm=float(fit.qm[0]), qm_df=float(fit.qm_df[0]),
        qm_ddf=float(fit.qm_ddf[0]), qm_p=float(fit.qm_p[0]), r2=r2, k=k, p=p, method=method,
        test=test, level=level, converged=bool(fit.converged[0]),
        iterations=int(fit.iterations[0]), design=design)
