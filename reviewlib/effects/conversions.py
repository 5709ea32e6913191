"""Effect-size conversions, each a small named function with its source.

Everything here works on plain floats (or numpy arrays) and knows nothing about extraction
files: :mod:`reviewlib.effects.analysis` chooses which of these to apply to a row and records
the choice. Scales:

``log_odds_ratio``     ln(OR); a logistic-regression coefficient is already on it
``smd``                standardised mean difference d (or Hedges' g)
``correlation``        Pearson r (or a standardised coefficient read as r)
``fisher_z``           Fisher's z = atanh(r)
``standardized_coef``  a standardised regression or PLS/SEM path coefficient, as printed

References
----------
.. [B09] Borenstein, M., Hedges, L. V., Higgins, J. P. T., & Rothstein, H. R. (2009).
   *Introduction to Meta-Analysis*. Wiley. Chapter 4 (d, g), chapter 6 (r, Fisher's z),
   chapter 7 (converting among d, r and the log odds ratio).
.. [CH] Higgins, J. P. T., Li, T., & Deeks, J. J. (eds.) (2023). Chapter 6: Choosing effect
   measures and computing estimates of effect. *Cochrane Handbook for Systematic Reviews of
   Interventions*, version 6.4, sections 6.3.1 (SE from a confidence interval or a p-value,
   difference measures) and 6.3.2 (the same for ratio measures, on the log scale).
.. [F21] Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation deduced
   from a small sample. *Metron*, 1, 3-32.
.. [F24] Fisher, R. A. (1924). The distribution of the partial correlation coefficient.
   *Metron*, 3, 329-332.
.. [AT13] Aloe, A. M., & Thompson, C. G. (2013). The synthesis of partial effect sizes.
   *Journal of the Society for Social Work and Research*, 4(4), 390-405.
.. [PB05] Peterson, R. A., & Brown, S. P. (2005). On the use of beta coefficients in
   meta-analysis. *Journal of Applied Psychology*, 90(1), 175-181.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

#: The scales an effect can be put on.
SCALES = ("log_odds_ratio", "smd", "correlation", "fisher_z", "standardized_coef")

#: sqrt(3)/pi: the standard deviation of the standard logistic distribution is pi/sqrt(3),
#: which is what links a log odds ratio to a standardised mean difference ([B09] eq. 7.1).
LOGIT_SD = math.pi / math.sqrt(3.0)


# --------------------------------------------------------------------------- tests and SEs
def z_critical(level: float = 95.0) -> float:
    """Two-sided standard-normal critical value for a ``level`` % interval.

    Parameters
    ----------
    level : float
        Confidence level in percent, 0 < level < 100.

    Returns
    -------
    float
        z such that P(|Z| <= z) = level/100 (1.959964 for 95).

    Examples
    --------
    >>> round(z_critical(95), 6)
    1.959964
    """
    if not 0 < level < 100:
        raise ValueError(f"level must lie strictly between 0 and 100 (percent); got {level}")
    return float(stats.norm.isf((1 - level / 100) / 2))


def se_from_ci(low: float, high: float, level: float = 95.0) -> float:
    """Standard error from a symmetric confidence interval: SE = (U - L) / (2 z_{alpha/2}).

    For a ratio measure pass the *logarithms* of the limits ([CH] 6.3.1, 6.3.2).

    Examples
    --------
    >>> round(se_from_ci(math.log(1.2), math.log(2.0)), 6)   # (ln 2 - ln 1.2) / 3.919928
    0.130315
    """
    return (high - low) / (2.0 * z_critical(level))


def se_from_p(estimate: float, p: float) -> float:
    """Standard error from a two-sided p-value of a normal (Wald) test: SE = |b| / z_{p/2}.

    [CH] 6.3.1-6.3.2. A larger p gives a larger SE, so calling this with the upper end of an
    interval for p (``p < 0.001``, or 0.0005 for a printed ``0.000``) gives the *largest*
    SE consistent with the printing: a valid, conservative variance.

    Returns ``inf`` when p = 1 (the test statistic is 0) and ``nan`` when p is not in (0, 1].

    Examples
    --------
    >>> round(se_from_p(0.0434145, 0.335), 6)   # 0.0434145 / 0.964092 (z for p/2 = 0.1675)
    0.045032
    """
    if not 0 < p <= 1:
        return math.nan
    z = float(stats.norm.isf(p / 2.0))
    return math.inf if z == 0 else abs(estimate) / z


def se_from_t(estimate: float, t: float) -> float:
    """Standard error from a t (or z) statistic: SE = |b / t|.

    Examples
    --------
    >>> round(se_from_t(0.969, 164.130), 7)
    0.0059039
    """
    return math.nan if t == 0 else abs(estimate / t)


def p_from_statistic(statistic: float, df: float | None = None) -> float:
    """Two-sided p-value of a z statistic (``df=None``) or a t statistic with ``df``."""
    if df is None or math.isinf(df):
        return float(2 * stats.norm.sf(abs(statistic)))
    return float(2 * stats.t.sf(abs(statistic), df))


# --------------------------------------------------------------------------- odds ratios
def log_odds_ratio(odds_ratio: float, se_odds_ratio: float | None = None) -> tuple[float, float]:
    """ln(OR), and the SE of ln(OR) from an SE printed for the OR itself.

    Software that prints odds ratios (Stata ``logit, or``) gives SE(OR) by the delta method,
    SE(OR) = OR * SE(ln OR); so SE(ln OR) = SE(OR) / OR.

    Returns
    -------
    (float, float)
        ln(OR) and SE(ln OR) (``nan`` when no SE was given).
    """
    if odds_ratio <= 0:
        return math.nan, math.nan
    se = math.nan if se_odds_ratio is None else se_odds_ratio / odds_ratio
    return math.log(odds_ratio), se


# --------------------------------------------------------------------------- correlations
def fisher_z(r: float) -> float:
    """Fisher's z = 0.5 ln((1 + r)/(1 - r)) = atanh(r) ([F21]; [B09] eq. 6.2)."""
    return float(np.arctanh(r))


def var_fisher_z(n: float) -> float:
    """Variance of Fisher's z for a sample of n: 1/(n - 3) ([B09] eq. 6.3)."""
    return math.nan if n <= 3 else 1.0 / (n - 3.0)


def var_r(r: float, n: float) -> float:
    """Large-sample variance of Pearson's r: (1 - r^2)^2 / (n - 1) ([B09] eq. 6.1)."""
    return math.nan if n <= 1 else (1.0 - r * r) ** 2 / (n - 1.0)


def fisher_z_delta(r: float, v_r: float) -> tuple[float, float]:
    """Fisher's z of r with the delta-method variance v_r / (1 - r^2)^2.

    Used when r carries its own variance (e.g. r converted from d or a log odds ratio), so
    that the uncertainty of the source -- not a nominal sample size -- is kept.
    """
    return fisher_z(r), v_r / (1.0 - r * r) ** 2


def partial_r_from_t(t: float, df: float) -> float:
    """Partial correlation from a regression t statistic: r = t / sqrt(t^2 + df) ([AT13]).

    ``df`` is the residual degrees of freedom of the regression, n - p - 1 for p predictors.

    Examples
    --------
    >>> round(partial_r_from_t(2.0, 96), 6)    # 2 / sqrt(4 + 96) = 2 / 10
    0.2
    """
    return t / math.sqrt(t * t + df)


def var_partial_r(r: float, df: float) -> float:
    """Variance of a partial correlation: (1 - r^2)^2 / df, df = n - p - 1 ([AT13])."""
    return (1.0 - r * r) ** 2 / df


def var_fisher_z_partial(df: float) -> float:
    """Variance of Fisher's z of a partial r: 1/(n - q - 3) = 1/(df - 1) ([F24]).

    With q covariates and the focal predictor, the regression residual df is n - q - 2,
    hence n - q - 3 = df - 1.
    """
    return math.nan if df <= 1 else 1.0 / (df - 1.0)


# --------------------------------------------------------------------------- d, r, log OR
def var_d(d: float, n1: float, n2: float) -> float:
    """Variance of d: (n1 + n2)/(n1 n2) + d^2 / (2 (n1 + n2)) ([B09] eq. 4.20)."""
    return (n1 + n2) / (n1 * n2) + d * d / (2.0 * (n1 + n2))


def hedges_j(df: float) -> float:
    """Small-sample correction J = 1 - 3/(4 df - 1), df = n1 + n2 - 2 ([B09] eq. 4.22)."""
    return 1.0 - 3.0 / (4.0 * df - 1.0)


def log_or_to_d(log_or: float, v_log_or: float) -> tuple[float, float]:
    """d = ln(OR) sqrt(3)/pi, V_d = V_lnOR * 3/pi^2 ([B09] eqs. 7.1-7.2).

    Examples
    --------
    >>> [round(x, 6) for x in log_or_to_d(math.pi / math.sqrt(3), 1.0)]
    [1.0, 0.303964]
    """
    return log_or / LOGIT_SD, v_log_or / LOGIT_SD ** 2


def d_to_log_or(d: float, v_d: float) -> tuple[float, float]:
    """ln(OR) = d pi/sqrt(3), V_lnOR = V_d pi^2/3 ([B09] eqs. 7.3-7.4)."""
    return d * LOGIT_SD, v_d * LOGIT_SD ** 2


def r_to_d(r: float, v_r: float) -> tuple[float, float]:
    """d = 2r / sqrt(1 - r^2), V_d = 4 V_r / (1 - r^2)^3 ([B09] eqs. 7.5-7.6)."""
    one = 1.0 - r * r
    return 2.0 * r / math.sqrt(one), 4.0 * v_r / one ** 3


def d_to_r(d: float, v_d: float, n1: float | None = None, n2: float | None = None
           ) -> tuple[float, float]:
    """r = d / sqrt(d^2 + a), V_r = a^2 V_d / (d^2 + a)^3 ([B09] eqs. 7.7-7.8).

    a = (n1 + n2)^2 / (n1 n2) corrects for unequal groups; it is 4 when the groups are equal
    or their sizes unknown (the default here).
    """
    a = 4.0 if n1 is None or n2 is None else (n1 + n2) ** 2 / (n1 * n2)
    return d / math.sqrt(d * d + a), a * a * v_d / (d * d + a) ** 3
