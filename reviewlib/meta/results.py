"""``pool`` and the fitted model it returns, :class:`MetaResult`.

The result keeps its data and settings, so every follow-up analysis (sensitivity,
influence, bias, subgroups, plots) is a method call that refits what it needs -- the way
a fitted ``rma.uni`` object works in R metafor.  The heavy methods live in their own
modules (influence, bias, subgroups, plots); this module holds the object itself.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import numpy as np
import pandas as pd

import reviewlib
from reviewlib.errors import ConvergenceError, UsageError
from reviewlib.meta import bias, core, estimators, influence, plots, stats, subgroups, text


@dataclass(frozen=True)
class Prediction:
    """Predicted (pooled) effect with its confidence and prediction intervals."""

    pred: float
    se: float
    ci_low: float
    ci_high: float
    pi_low: float
    pi_high: float

    def to_dict(self) -> dict[str, float]:
        """The six numbers under their names."""
        return dict(pred=self.pred, se=self.se, ci_low=self.ci_low, ci_high=self.ci_high,
                    pi_low=self.pi_low, pi_high=self.pi_high)


@dataclass(frozen=True, eq=False)
class MetaResult:
    """A fitted fixed- or random-effects model (as R metafor's ``rma.uni``).

    Build it with :func:`pool`.  What you can do with it:

    ``summary()``            metafor-like text report
    ``to_dict()``            the numbers, JSON-ready
    ``to_frame()``           one row per study (effect, CI, weight)
    ``confint()``            Q-profile intervals for tau^2, tau, I^2 and H^2
    ``predict()``            pooled effect with confidence and prediction intervals
    ``leave_one_out()``      the model refitted without each study in turn
    ``influence()``          case diagnostics (rstudent, DFFITS, Cook's distance, ...)
    ``cumulative()``         the model refitted as studies are added in order
    ``subgroup(groups)``     per-group models and the test of group differences
    ``egger()``, ``begg()``  funnel-plot asymmetry tests (metafor's regtest / ranktest)
    ``trimfill()``           Duval & Tweedie's trim and fill
    ``forest()``, ``funnel()``  plots (return the figure and the plotted coordinates)
    ``robust(cluster)``      CR2 cluster-robust test of the mean (clubSandwich ``coef_test``)

    Attributes
    ----------
    yi, vi : ndarray
        The effects and sampling variances the model was fitted to.
    labels : list of str
    method, test : str
        tau^2 estimator and test ("z" or "knha").
    level : float
        Confidence level in percent.
    estimate, se, statistic, pval, ci_low, ci_high : float
        The pooled effect, its standard error, z (or t) statistic, p-value and interval.
    tau2, se_tau2, tau, i2, h2 : float
        Heterogeneity: tau^2 with metafor's standard error, tau, I^2 (%), H^2.
    q, q_pvalue, df : float
        Cochran's Q, its p-value and degrees of freedom (k - 1).
    pi_low, pi_high : float
        Prediction interval (equal to the CI for the fixed-effect model).
    k : int
    converged : bool
    iterations : int
        Steps of the iterative estimator (0 for closed forms).
    s2w : float
        Knapp-Hartung scale factor (1 under the z test).
    vt : float
        Typical within-study variance used for I^2 and H^2.
    weights : ndarray
        Model weights 1/(vi + tau^2).
    version : str
        reviewlib version that fitted the model.
    """

    yi: np.ndarray
    vi: np.ndarray
    labels: list[str]
    method: str
    test: str
    level: float
    estimate: float
    se: float
    statistic: float
    pval: float
    ci_low: float
    ci_high: float
    tau2: float
    se_tau2: float
    i2: float
    h2: float
    q: float
    q_pvalue: float
    df: int
    pi_low: float
    pi_high: float
    k: int
    converged: bool
    iterations: int
    s2w: float
    vt: float
    weights: np.ndarray
    version: str = field(default=reviewlib.__version__)

    # ------------------------------------------------------------------ construction
    @classmethod
    def _from_batch(cls, y, v, labels, fit: core.BatchFit, row: int = 0) -> "MetaResult":
        return cls(yi=y, vi=v, labels=list(labels), method=fit.method, test=fit.test,
                   level=fit.level, estimate=float(fit.beta[row, 0]), se=float(fit.se[row, 0]),
                   statistic=float(fit.stat[row, 0]), pval=float(fit.pval[row, 0]),
                   ci_low=float(fit.ci_low[row, 0]), ci_high=float(fit.ci_high[row, 0]),
                   tau2=float(fit.tau2[row]), se_tau2=float(fit.se_tau2[row]),
                   i2=float(fit.i2[row]), h2=float(fit.h2[row]), q=float(fit.q[row]),
                   q_pvalue=float(fit.q_p[row]), df=int(fit.df[row]),
                   pi_low=float(fit.pi_low[row]), pi_high=float(fit.pi_high[row]),
                   k=int(fit.k[row]), converged=bool(fit.converged[row]),
                   iterations=int(fit.iterations[row]), s2w=float(fit.s2w[row]),
                   vt=float(fit.vt[row]), weights=fit.weights[row].copy())

    def _with_data(self, yi, vi, labels=None, method: str | None = None,
                   test: str | None = None) -> "MetaResult":
        """The same model (method, test, level unless overridden) fitted to other data."""
        return pool(yi, vi, method=method or self.method, test=test or self.test,
                    level=self.level, labels=labels)

    # ------------------------------------------------------------------ plain values
    @property
    def tau(self) -> float:
        """Square root of tau^2."""
        return float(np.sqrt(self.tau2))

    @property
    def zval(self) -> float:
        """The Wald z statistic (only for ``test="z"``)."""
        if self.test != "z":
            raise AttributeError("this model uses the Knapp-Hartung t test; use .tval or .statistic")
        return self.statistic

    @property
    def tval(self) -> float:
        """The Knapp-Hartung t statistic (only for ``test="knha"``)."""
        if self.test != "knha":
            raise AttributeError("this model uses the z test; use .zval or .statistic")
        return self.statistic

    @property
    def random(self) -> bool:
        """True for a random-effects model (any method but FE)."""
        return self.method != "FE"

    def to_dict(self) -> dict:
        """The fitted numbers under reviewlib's names, ready for ``json.dumps``."""
        out = dict(k=self.k, method=self.method, test=self.test, level=self.level,
                   estimate=self.estimate, se=self.se, statistic=self.statistic,
                   pval=self.pval, ci_low=self.ci_low, ci_high=self.ci_high, tau2=self.tau2,
                   se_tau2=self.se_tau2, tau=self.tau, i2=self.i2, h2=self.h2, q=self.q,
                   q_p=self.q_pvalue, df=self.df, pi_low=self.pi_low, pi_high=self.pi_high,
                   converged=self.converged, iterations=self.iterations,
                   reviewlib_version=self.version)
        out["zval" if self.test == "z" else "tval"] = self.statistic
        return {key: (None if isinstance(val, float) and not np.isfinite(val) else val)
                for key, val in out.items()}

    def to_frame(self) -> pd.DataFrame:
        """One row per study: label, yi, vi, se, CI (model's level, z) and weight (%)."""
        z = _z(self.level)
        se = np.sqrt(self.vi)
        return pd.DataFrame({"label": self.labels, "yi": self.yi, "vi": self.vi, "se": se,
                             "ci_low": self.yi - z * se, "ci_high": self.yi + z * se,
                             "weight": 100.0 * self.weights / self.weights.sum()})

    def summary(self) -> str:
        """A text report laid out like metafor's ``print.rma.uni``."""
        return text.summary(self)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(k={self.k}, method={self.method!r}, test={self.test!r}, "
                f"estimate={self.estimate:.6g}, se={self.se:.6g}, tau2={self.tau2:.6g}, "
                f"i2={self.i2:.4g})")

    # ------------------------------------------------------------------ intervals
    def confint(self, level: float | None = None) -> pd.DataFrame:
        """Q-profile confidence intervals for tau^2, tau, I^2 and H^2 (Viechtbauer 2007).

        The bounds are the tau^2 values at which the generalised Q statistic equals the
        upper and lower chi^2(k - 1) quantiles (metafor's ``confint`` default); I^2 and H^2
        bounds follow from the tau^2 bounds with the model's typical within-study
        variance.  A bound of 0 means the equation has no root above 0.

        Examples
        --------
        >>> res = pool([0.1, 0.5, 0.9, 0.3], [0.04, 0.02, 0.05, 0.01])
        >>> list(res.confint().index)
        ['tau2', 'tau', 'i2', 'h2']
        """
        if not self.random:
            raise UsageError("a fixed-effect model has no tau^2; fit a random-effects method "
                             "(e.g. method='REML') to get its confidence interval")
        lv = core.check_level(self.level if level is None else level)
        lo, hi = stats.q_profile_interval(self.yi, self.vi, core.intercept_design(self.k), lv)
        vt = self.vt
        rows = {"tau2": (self.tau2, lo, hi),
                "tau": (self.tau, np.sqrt(lo), np.sqrt(hi)),
                "i2": (self.i2, 100 * lo / (vt + lo), 100 * hi / (vt + hi)),
                "h2": (self.h2, lo / vt + 1, hi / vt + 1)}
        return pd.DataFrame.from_dict(rows, orient="index", columns=["estimate", "ci_low", "ci_high"])

    def predict(self, transform: Callable | None = None) -> Prediction:
        """Pooled effect with confidence and prediction intervals (metafor's ``predict``).

        ``transform`` (e.g. ``np.exp`` for log ratios) is applied to the estimate and the
        interval bounds; the standard error is then NaN, as in metafor.
        """
        vals = [self.estimate, self.ci_low, self.ci_high, self.pi_low, self.pi_high]
        se = self.se
        if transform is not None:
            vals = [float(transform(x)) for x in vals]
            se = float("nan")
        return Prediction(pred=vals[0], se=se, ci_low=vals[1], ci_high=vals[2],
                          pi_low=vals[3], pi_high=vals[4])

    # ------------------------------------------------------------------ sensitivity
    @cached_property
    def _loo_fit(self) -> core.BatchFit:
        """The k leave-one-out refits, computed once (the result is immutable)."""
        return influence.loo_fit(self)

    def leave_one_out(self) -> pd.DataFrame:
        """The model refitted k times, each time without one study (metafor ``leave1out``)."""
        return influence.leave_one_out(self, fit=self._loo_fit)

    def influence(self) -> pd.DataFrame:
        """Case diagnostics as metafor's ``influence.rma.uni`` (see :mod:`.influence`)."""
        return influence.influence(self, fit=self._loo_fit)

    def cumulative(self, order=None) -> pd.DataFrame:
        """Cumulative meta-analysis, adding studies in ``order`` (metafor ``cumul``)."""
        return influence.cumulative(self, order=order)

    def subgroup(self, groups, tau2: str = "separate") -> "subgroups.SubgroupResult":
        """Per-group models and the test for subgroup differences (see :mod:`.subgroups`)."""
        return subgroups.subgroup(self, groups, tau2=tau2)

    # ------------------------------------------------------------------ small-study effects
    def egger(self, model: str = "rma") -> "bias.RegressionTest":
        """Egger's regression test for funnel-plot asymmetry (metafor ``regtest``)."""
        return bias.egger(self, model=model)

    def begg(self) -> "bias.RankTest":
        """Begg and Mazumdar's rank correlation test (metafor ``ranktest``)."""
        return bias.begg(self)

    def trimfill(self, side: str | None = None, estimator: str = "L0") -> "TrimFillResult":
        """Duval and Tweedie's trim and fill; returns the model fitted to the filled data."""
        tf = bias.trimfill(self, side=side, estimator=estimator)
        if tf.k0 == 0:
            filled = self
            y, v, labels = self.yi, self.vi, self.labels
        else:
            labels = list(self.labels) + [f"Filled {i + 1}" for i in range(tf.k0)]
            y = np.concatenate([self.yi, tf.yi_filled])
            v = np.concatenate([self.vi, tf.vi_filled])
            filled = self._with_data(y, v, labels)
        values = {f: getattr(filled, f) for f in MetaResult.__dataclass_fields__}
        return TrimFillResult(**values, k0=tf.k0, se_k0=tf.se_k0, side=tf.side,
                              estimator=tf.estimator, p_k0=tf.p_k0,
                              filled=np.arange(len(y)) >= self.k, original=self)

    # ------------------------------------------------------------------ plots
    def robust(self, cluster, level: float | None = None):
        """CR2 cluster-robust test of the pooled mean with Satterthwaite df
        (:func:`reviewlib.meta.robust.robust`; clubSandwich ``coef_test(vcov = "CR2")``)."""
        from reviewlib.meta.robust import robust
        return robust(self, cluster, level=level)

    def forest(self, ax=None, transform: Callable | None = None, groups=None, **kwargs):
        """Forest plot; returns ``(figure, coordinates)`` (see :func:`.plots.forest`)."""
        return plots.forest(self, ax=ax, transform=transform, groups=groups, **kwargs)

    def funnel(self, ax=None, contours=(0.90, 0.95, 0.99), **kwargs):
        """Contour-enhanced funnel plot; returns ``(figure, coordinates)``."""
        return plots.funnel(self, ax=ax, contours=contours, **kwargs)


@dataclass(frozen=True, eq=False)
class TrimFillResult(MetaResult):
    """A model fitted to the data completed by trim and fill.

    Extra attributes: ``k0`` (studies filled), ``se_k0``, ``side`` ("left"/"right": the
    side where studies were missing), ``estimator`` ("L0"/"R0"), ``p_k0`` (R0 only),
    ``filled`` (bool per study of the filled data) and ``original`` (the model before).
    """

    k0: int = 0
    se_k0: float = float("nan")
    side: str = "left"
    estimator: str = "L0"
    p_k0: float = float("nan")
    filled: np.ndarray = None  # type: ignore[assignment]
    original: MetaResult = None  # type: ignore[assignment]


def _z(level: float) -> float:
    from scipy.stats import norm
    return float(norm.isf((1 - level / 100) / 2))


def _column(data, value):
    if data is not None and isinstance(value, str):
        if value not in data.columns:
            raise UsageError(f"no column {value!r} in data (columns: {', '.join(map(str, data.columns))})")
        return data[value].to_numpy()
    return value


def pool(yi, vi, method: str = "REML", test: str = "z", level: float = 95,
         labels=None, data: pd.DataFrame | None = None) -> MetaResult:
    """Pool effect sizes with a fixed- or random-effects model (R metafor's ``rma.uni``).

    Parameters
    ----------
    yi, vi : array-like of float, shape (k,), or column names in ``data``
        Effect sizes (e.g. log risk ratios) and their sampling variances (> 0).
    method : str
        tau^2 estimator: ``"FE"`` (fixed/common effect), ``"DL"``, ``"REML"`` (default),
        ``"PM"``, ``"HE"``, ``"SJ"``, ``"ML"``, ``"HS"`` or ``"EB"`` (same value as PM);
        see :mod:`reviewlib.meta.estimators`.
    test : {"z", "knha"}
        Wald z test, or Knapp-Hartung: scaled standard error and t(k - 1).
    level : float
        Confidence level in percent (95) or as a proportion (0.95).
    labels : array-like of str or column name, optional
        Study labels (default "Study 1", ...).
    data : DataFrame, optional
        Where to look up ``yi``, ``vi`` and ``labels`` given as column names.

    Returns
    -------
    MetaResult

    Raises
    ------
    UsageError
        Bad input (missing values, non-positive variances -- naming the studies),
        an unknown method or test, or a random-effects model with a single study.
    ConvergenceError
        An iterative estimator did not reach its root (the message names it).

    Examples
    --------
    >>> res = pool([-0.89, -1.59, -1.35], [0.326, 0.195, 0.415], method="DL")
    >>> round(res.estimate, 4)
    -1.333
    """
    yi = _column(data, yi)
    vi = _column(data, vi)
    labels = _column(data, labels)
    method = estimators.check_method(method)
    test = core.check_test(test)
    level = core.check_level(level)
    y, v, labels = core.check_effects(yi, vi, labels)
    if method == "FE" and test == "knha":
        warnings.warn("the Knapp-Hartung adjustment is meant for random-effects models; with "
                      "method='FE' it rescales the fixed-effect standard error by Q/(k-1)",
                      UserWarning, stacklevel=2)
    if len(y) == 1 and method != "FE":
        raise UsageError(f"a random-effects model ({method}) needs at least 2 studies; with one "
                         "study use method='FE' (its estimate is the study's own effect)")
    fit = core.fit_batch(y, v, core.intercept_design(len(y)), np.ones((1, len(y))), method,
                         test, level)
    if not fit.converged[0]:
        raise ConvergenceError(f"the {method} estimator of tau^2 did not converge in "
                               f"{fit.iterations[0]} steps")
    return MetaResult._from_batch(y, v, labels, fit)
