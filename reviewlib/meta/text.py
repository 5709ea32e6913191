"""Plain-text reports of fitted models, laid out like R metafor's print methods."""

from __future__ import annotations

import numpy as np

#: Decimal places in reports (metafor's default ``digits = 4``).
DIGITS = 4


def fmt_p(p: float, digits: int = DIGITS) -> str:
    """p-value as metafor prints it: ``<.0001`` below 10^-digits, else fixed decimals."""
    if p is None or not np.isfinite(p):
        return "NA"
    if p < 10.0**-digits:
        return "<." + "0" * (digits - 1) + "1"
    return f"{p:.{digits}f}"


def _num(x: float, digits: int = DIGITS) -> str:
    return "NA" if x is None or not np.isfinite(x) else f"{x:.{digits}f}"


def _stars(p: float) -> str:
    if not np.isfinite(p):
        return ""
    for cut, mark in ((0.001, "***"), (0.01, "**"), (0.05, "*"), (0.1, ".")):
        if p < cut:
            return mark
    return ""


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[j]) for r in rows)) for j, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths))]
    for r in rows:
        lines.append("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    return lines


def _p_phrase(p: float) -> str:
    s = fmt_p(p)
    return f"p-val < {s[1:]}" if s.startswith("<") else f"p-val = {s}"


def summary(res) -> str:
    """Text report of a :class:`~reviewlib.meta.results.MetaResult`."""
    lines = [""]
    if res.random:
        lines.append(f"Random-Effects Model (k = {res.k}; tau^2 estimator: {res.method})")
        lines.append("")
        se_t = f" (SE = {_num(res.se_tau2)})" if np.isfinite(res.se_tau2) else ""
        lines += [
            f"tau^2 (estimated amount of total heterogeneity): {_num(res.tau2)}{se_t}",
            f"tau (square root of estimated tau^2 value):      {_num(res.tau)}",
        ]
    else:
        lines.append(f"Fixed-Effects Model (k = {res.k})")
        lines.append("")
    lines += [
        f"I^2 (total heterogeneity / total variability):   {res.i2:.2f}%",
        f"H^2 (total variability / sampling variability):  {res.h2:.2f}",
        "",
        "Test for Heterogeneity:",
        f"Q(df = {res.df}) = {_num(res.q)}, {_p_phrase(res.q_pvalue)}",
        "",
        "Model Results:",
        "",
    ]
    stat = "zval" if res.test == "z" else "tval"
    header = ["estimate", "se", stat]
    row = [_num(res.estimate), _num(res.se), _num(res.statistic)]
    if res.test == "knha":
        header.append("df")
        row.append(str(res.df))
    header += ["pval", "ci.lb", "ci.ub", ""]
    row += [fmt_p(res.pval), _num(res.ci_low), _num(res.ci_high), _stars(res.pval)]
    lines += _table(header, [row])
    lines += [
        "",
        f"Prediction interval ({res.level:g}%): {_num(res.pi_low)} to {_num(res.pi_high)}"
        + ("" if res.random else " (fixed effect: the confidence interval)"),
        "",
        "---",
        "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1",
        "",
    ]
    if res.test == "knha":
        lines.insert(-4, "Test and intervals: Knapp-Hartung adjustment, t distribution.")
    return "\n".join(lines)


def regression_summary(res) -> str:
    """Text report of a :class:`~reviewlib.meta.regression.MetaRegressionResult`."""
    lines = [""]
    if res.method == "FE":
        lines.append(f"Fixed-Effects with Moderators Model (k = {res.k})")
    else:
        lines.append(f"Mixed-Effects Model (k = {res.k}; tau^2 estimator: {res.method})")
        lines += ["",
                  f"tau^2 (estimated amount of residual heterogeneity):     {_num(res.tau2)} "
                  f"(SE = {_num(res.se_tau2)})",
                  f"tau (square root of estimated tau^2 value):             {_num(np.sqrt(res.tau2))}",
                  f"I^2 (residual heterogeneity / unaccounted variability): {res.i2:.2f}%",
                  f"H^2 (unaccounted variability / sampling variability):   {res.h2:.2f}"]
        if np.isfinite(res.r2):
            lines.append(f"R^2 (amount of heterogeneity accounted for):            {res.r2:.2f}%")
    lines += ["", "Test for Residual Heterogeneity:",
              f"QE(df = {res.df}) = {_num(res.qe)}, {_p_phrase(res.qe_p)}", "",
              "Test of Moderators:"]
    if res.test == "knha":
        lines.append(f"F(df1 = {res.qm_df:g}, df2 = {res.qm_ddf:g}) = {_num(res.qm)}, "
                     f"{_p_phrase(res.qm_p)}")
    else:
        lines.append(f"QM(df = {res.qm_df:g}) = {_num(res.qm)}, {_p_phrase(res.qm_p)}")
    lines += ["", "Model Results:", ""]
    c = res.coefficients
    stat = c.columns[2]
    rows = [[name, _num(r["estimate"]), _num(r["se"]), _num(r[stat]), fmt_p(r["pval"]),
             _num(r["ci_low"]), _num(r["ci_high"]), _stars(r["pval"])] for name, r in c.iterrows()]
    lines += _table(["", "estimate", "se", stat, "pval", "ci.lb", "ci.ub", ""], rows)
    lines += ["", "---", "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1", ""]
    return "\n".join(lines)
