"""Consistency checks on extracted statistics: recompute what can be recomputed.

The idea is statcheck's (Nuijten et al. 2016, see :mod:`.resolve`): a p-value printed next to
its test statistic can be recomputed, and a mismatch beyond rounding is a reporting or
extraction error. Here the same is done for every pair of numbers an effects row can hold:

=====================  ====================================================================
code                   what is compared
=====================  ====================================================================
``or_vs_exp``          odds ratio vs exp(coefficient); diagnoses a lost minus sign (the
                       OR equals exp(-b)) and a misplaced decimal mark
``ci_midpoint``        the estimate vs the CI midpoint (log scale for odds ratios, Fisher
                       z for r); ``ci_order`` and ``ci_excludes_estimate`` alongside
``t_vs_ratio``         t vs estimate/SE, allowing for the rounding of all three
``p_vs_statistic``     p vs the two-sided p of t (t distribution when df is given, else
                       the normal; when df is missing and only a t distribution fits, the
                       range of df that fits is reported)
``stars_vs_p``         significance stars vs p, under the convention (10/5/1 % or
                       5/1/0.1 %) that fits most of the same report's stars
``p_zero``             p printed as zero, read as a bound
``decimal_comma``      a cell printed with a decimal comma
``ambiguous_separators``  a cell whose separators admit several readings (with the
                       reading another number supports, if one does)
``not_a_number``       a numeric cell holding text
``range``              impossible values: p outside [0, 1], SE <= 0, OR <= 0, abs(r) >= 1
``bootstrap_bias``     PLS/SEM bootstrap mean far from the original-sample estimate
``unconvertible``      no effect size and variance can be computed from the row
=====================  ====================================================================

Levels: ``error`` -- the printed numbers cannot all be true (a p-value mismatch is an error
only when it moves p across 0.05, statcheck's "decision error"; otherwise a warning);
``warning`` -- something a reviewer must look at; ``note`` -- how a cell was read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from scipy import stats

from . import conversions as cv
from .convert import ci_level, convert_row
from .resolve import LOG_ODDS_MEASURES, Interval, RowReading, fmt, read_row
from .table import COLUMNS, EffectsTable, load_effects

#: Finding levels, most serious first.
LEVELS = ("error", "warning", "note")

#: Significance-star conventions: thresholds for one, two and three stars.
STAR_CONVENTIONS: dict[str, tuple[float, float, float]] = {
    "10/5/1 %": (0.10, 0.05, 0.01),
    "5/1/0.1 %": (0.05, 0.01, 0.001),
}

#: The significance level at which a p-value mismatch counts as a decision error.
DECISION_ALPHA = 0.05

#: Largest df tried when looking for a t distribution that fits a printed p.
_MAX_DF = 100_000


@dataclass(frozen=True)
class Finding:
    """One thing the checks found about one row.

    Attributes
    ----------
    effect_id : str
    line : int
        Line of the row in the effects file.
    level : str
        ``"error"``, ``"warning"`` or ``"note"``.
    code : str
        What was checked (see the module docstring).
    message : str
        The finding in words, with the numbers.
    numbers : dict
        The numbers involved, by name, for programs.
    column : str or None
        The column concerned, when there is one.
    """

    effect_id: str
    line: int
    level: str
    code: str
    message: str
    numbers: dict = field(default_factory=dict, compare=False)
    column: str | None = None

    def format(self, path: str | Path) -> str:
        """``path:line:column: level: message`` as the command line prints it.

        The column is the 1-based position of :attr:`column` in the file (whose columns
        are :data:`reviewlib.effects.COLUMNS`, in order); a finding about the row as a
        whole has none: ``path:line: level: message``.
        """
        where = f"{path}:{self.line}"
        if self.column in COLUMNS:
            where += f":{COLUMNS.index(self.column) + 1}"
        return f"{where}: {self.level}: [{self.effect_id}] {self.message} ({self.code})"


def check(table: EffectsTable | str | Path, star_conventions: dict | None = None) -> list[Finding]:
    """Run every check on every row.

    Parameters
    ----------
    table : EffectsTable or path
        A loaded table, or the path of an effects file (loaded with :func:`load_effects`).
    star_conventions : dict, optional
        Name -> (one-, two-, three-star threshold). Default :data:`STAR_CONVENTIONS`. Each
        report is held to the convention(s) that fit most of its starred p-values
        (:func:`report_conventions`).

    Returns
    -------
    list of Finding
        In file order, then by level.

    Examples
    --------
    >>> findings = check("extraction/effects.csv")                    # doctest: +SKIP
    >>> [f for f in findings if f.level == "error"][0].code            # doctest: +SKIP
    'or_vs_exp'
    """
    if not isinstance(table, EffectsTable):
        table = load_effects(table)
    conventions = STAR_CONVENTIONS if star_conventions is None else star_conventions
    out: list[Finding] = []
    readings = [read_row(row) for row in table.rows]
    chosen = report_conventions(readings, conventions)
    for reading in readings:
        found: list[Finding] = []
        for fn in (_cells, _ranges, _or_vs_exp, _ci, _t_vs_ratio, _p_vs_statistic,
                   _bootstrap_bias, _unconvertible):
            found.extend(fn(reading))
        found.extend(_stars(reading, chosen.get(reading.row.report)))
        found.sort(key=lambda f: LEVELS.index(f.level))
        out.extend(found)
    return out


def _f(reading: RowReading, level: str, code: str, message: str, column: str | None = None,
       **numbers) -> Finding:
    r = reading.row
    return Finding(r.effect_id, r.line, level, code, message, numbers, column)


# --------------------------------------------------------------------------- cells
def _cells(reading: RowReading) -> list[Finding]:
    out = []
    inferred = dict(reading.inferences)
    for column, p in reading.cells.items():
        if "decimal_comma" in p.flags:
            out.append(_f(reading, "note", "decimal_comma",
                          f"{column} {p.text!r} is printed with a decimal comma; read as "
                          f"{p.shown()}", column, value=p.value))
        if "thousands_separator" in p.flags and "." in p.text:
            # a count grouped with points ("1.234") reads unlike most statistics, where a
            # point marks decimals: say how it was read (comma groups, "11,077", need not)
            out.append(_f(reading, "note", "thousands_separator",
                          f"{column} {p.text!r} is read with digit-group separators as "
                          f"{p.value:.0f}", column, value=p.value))
        if "p_zero" in p.flags:
            out.append(_f(reading, "note", "p_zero",
                          f"p printed as {p.text!r} is not zero: it means p < {fmt(p.upper)}, "
                          "and that bound is what any conversion uses", column, p_upper=p.upper))
        if "ambiguous_separators" in p.flags:
            if column in inferred:
                out.append(_f(reading, "note", "ambiguous_separators",
                              f"{column}: {inferred[column]} (an inference, not a printed value)",
                              column, value=p.value))
            else:
                out.append(_f(reading, "warning", "ambiguous_separators",
                              f"{column} {p.text!r} has separators that admit several numbers "
                              "and no other printed number in the row settles it; the cell is "
                              "not used", column))
        if "not_a_number" in p.flags:
            out.append(_f(reading, "warning", "not_a_number",
                          f"{column} {p.text!r} is not a number; the cell is not used", column))
    return out


def _ranges(reading: RowReading) -> list[Finding]:
    out = []
    m = reading.row.measure
    p = reading["p"]
    if "out_of_range" in p.flags:
        out.append(_f(reading, "error", "range", f"p = {p.text!r} lies outside [0, 1]", "p"))
    if reading.has("se") and reading["se"].value <= 0:
        out.append(_f(reading, "error", "range", f"se = {reading['se'].text!r} is not positive",
                      "se"))
    if reading.has("n") and not (reading["n"].value >= 1 and reading["n"].value.is_integer()):
        out.append(_f(reading, "error", "range",
                      f"n = {reading['n'].text!r} is not a sample size (a whole number of at "
                      "least 1)", "n"))
    if reading.has("df") and reading["df"].value <= 0:
        out.append(_f(reading, "error", "range",
                      f"df = {reading['df'].text!r}: degrees of freedom must be positive", "df"))
    ors = ["odds_ratio"] + (["estimate", "ci_low", "ci_high"] if m == "odds_ratio" else [])
    for c in ors:
        if reading.has(c) and reading[c].value <= 0:
            out.append(_f(reading, "error", "range",
                          f"{c} = {reading[c].text!r}: an odds ratio must be positive", c))
    if m in ("r", "partial_r") and reading.has("estimate") and abs(reading["estimate"].value) >= 1:
        out.append(_f(reading, "error", "range",
                      f"a correlation of {reading['estimate'].text} lies outside (-1, 1)",
                      "estimate"))
    if m in ("path_coef", "beta") and reading.has("estimate") and abs(reading["estimate"].value) > 1:
        out.append(_f(reading, "warning", "range",
                      f"a standardised coefficient of {reading['estimate'].text} exceeds 1 in "
                      "absolute value (possible, with suppression, but rare)", "estimate"))
    return out


# --------------------------------------------------------------------------- OR vs exp(b)
def _exp(x: float) -> float:
    """exp(x), infinite instead of an OverflowError (a garbled coefficient such as 1435267)."""
    return math.exp(x) if x < 709.0 else math.inf


def _or_vs_exp(reading: RowReading) -> list[Finding]:
    if reading.row.measure not in LOG_ODDS_MEASURES:
        return []
    if not (reading.exact("estimate") and reading.exact("odds_ratio")):
        return []
    b, o = reading["estimate"], reading["odds_ratio"]
    if o.value <= 0:
        return []
    b_iv, o_iv = reading.interval("estimate"), reading.interval("odds_ratio")
    expected = b_iv.map(_exp)
    if expected.overlaps(o_iv):
        return []
    numbers = dict(estimate=b.value, odds_ratio=o.value, exp_estimate=_exp(b.value))
    head = (f"odds ratio {o.text} is not exp(coefficient {b.text}) = {fmt(_exp(b.value))}")
    if b_iv.map(lambda x: _exp(-x)).overlaps(o_iv):
        msg = (f"{head}; it equals exp(-{b.text.lstrip('-')}) = {fmt(_exp(-b.value))}: a minus "
               "sign was lost or added (in the report or in the extraction)")
        return [_f(reading, "error", "or_vs_exp", msg, "odds_ratio", **numbers, sign_flip=True)]
    shifted = [v for v, k in o.digit_readings()
               if expected.overlaps(Interval(v - 0.5 * 10.0 ** -k, v + 0.5 * 10.0 ** -k))]
    if shifted:
        msg = (f"{head}; the same digits with the decimal mark moved ({fmt(shifted[0])}) agree: "
               "the decimal mark is misplaced")
        return [_f(reading, "error", "or_vs_exp", msg, "odds_ratio", **numbers,
                   decimal_shift=shifted[0])]
    ln_o = math.log(o.value)
    msg = (f"{head}; ln({o.text}) = {fmt(ln_o)} differs from the coefficient by "
           f"{fmt(ln_o - b.value)}, beyond the rounding of either")
    return [_f(reading, "error", "or_vs_exp", msg, "odds_ratio", **numbers)]


# --------------------------------------------------------------------------- CI
def _ci(reading: RowReading) -> list[Finding]:
    if not (reading.exact("ci_low") and reading.exact("ci_high")):
        return []
    m = reading.row.measure
    lo, hi = reading["ci_low"], reading["ci_high"]
    out = []
    level = ci_level(reading)
    if math.isnan(level):
        out.append(_f(reading, "error", "range",
                      f"ci_level {reading.row.ci_level!r} is not a confidence level: write it "
                      "in percent (50 to below 100, e.g. 95) or as a proportion (0.95); the "
                      "interval is not used", "ci_level"))
    if lo.value > hi.value:
        return out + [_f(reading, "error", "ci_order",
                         f"ci_low {lo.text} is above ci_high {hi.text}", "ci_low")]
    if not reading.exact("estimate"):
        return out
    est = reading["estimate"]
    e_iv = reading.interval("estimate")
    if not Interval(lo.lower, hi.upper).overlaps(e_iv):
        hint = ""
        if m in LOG_ODDS_MEASURES and lo.value > 0 and \
                Interval(lo.lower, hi.upper).overlaps(e_iv.map(math.exp)):
            hint = (f"; exp({est.text}) = {fmt(math.exp(est.value))} lies inside it, so the "
                    "interval looks like the odds ratio's: give the coefficient's interval "
                    "or use measure odds_ratio")
        out.append(_f(reading, "error", "ci_excludes_estimate",
                      f"estimate {est.text} lies outside its CI [{lo.text}, {hi.text}]{hint}",
                      "estimate", estimate=est.value, ci_low=lo.value, ci_high=hi.value))
        return out
    if m == "odds_ratio":
        if lo.value <= 0 or est.value <= 0:
            return out   # no log scale: a range error already
        f, scale = math.log, "log"
    elif m in ("r", "partial_r"):
        if not (-1 < lo.value and hi.value < 1 and -1 < est.value < 1):
            return out   # outside (-1, 1): a range error already
        f, scale = math.atanh, "Fisher z"
    else:
        f, scale = (lambda x: x), "linear"
    mid = (Interval.of(lo).map(f).lo + Interval.of(hi).map(f).lo) / 2, \
          (Interval.of(lo).map(f).hi + Interval.of(hi).map(f).hi) / 2
    mid_iv = Interval(*mid)
    if mid_iv.overlaps(e_iv.map(f)):
        return out
    level_ = "warning" if m in ("path_coef", "beta") else "error"
    why = (" (a bootstrap percentile interval need not be symmetric)" if level_ == "warning"
           else "")
    centre = (f(lo.value) + f(hi.value)) / 2
    out.append(_f(reading, level_, "ci_midpoint",
                  f"the CI [{lo.text}, {hi.text}] is centred on {fmt(centre)} on the {scale} "
                  f"scale, but the estimate {est.text} is {fmt(f(est.value))} there, beyond "
                  f"rounding{why}", "estimate", midpoint=centre, estimate=f(est.value)))
    return out


# --------------------------------------------------------------------------- t vs b/SE
def _t_vs_ratio(reading: RowReading) -> list[Finding]:
    if reading.row.measure == "odds_ratio":
        return []
    if not all(reading.exact(c) for c in ("estimate", "se", "t")) or reading["se"].value <= 0:
        return []
    b, se, t = reading["estimate"], reading["se"], reading["t"]
    ratio = b.value / se.value
    allowed = reading.interval("estimate") / reading.interval("se")
    t_iv = reading.interval("t")
    se_implied = abs(b.value / t.value) if t.value else math.inf
    numbers = dict(estimate=b.value, se=se.value, t=t.value, ratio=ratio,
                   ratio_low=allowed.lo, ratio_high=allowed.hi, se_implied=se_implied)
    if allowed.overlaps(t_iv):
        if Interval(ratio, ratio).overlaps(t_iv):
            return []
        point_b, point_se = Interval(b.value, b.value), Interval(se.value, se.value)
        if (point_b / reading.interval("se")).overlaps(t_iv):
            whose = "the rounding of se alone accounts for it"
        elif (reading.interval("estimate") / point_se).overlaps(t_iv):
            whose = "the rounding of the estimate alone accounts for it"
        else:
            whose = "it takes the rounding of both"
        return [_f(reading, "note", "t_vs_ratio",
                   f"t = {t.text} vs estimate/se = {b.text}/{se.text} = {fmt(ratio)}: consistent "
                   f"within rounding, since estimate in {reading.interval('estimate')} and se in "
                   f"{reading.interval('se')} allow {fmt(allowed.lo)} to {fmt(allowed.hi)} "
                   f"({whose}); t implies se = {fmt(se_implied)}", "t", **numbers)]
    return [_f(reading, "error", "t_vs_ratio",
               f"t = {t.text} but estimate/se = {b.text}/{se.text} = {fmt(ratio)}, and rounding "
               f"allows only {fmt(allowed.lo)} to {fmt(allowed.hi)}", "t", **numbers)]


# --------------------------------------------------------------------------- p vs statistic
def _statistic(reading: RowReading) -> tuple[Interval, str, str] | None:
    """The test statistic as an interval, its description, and the column it comes from."""
    m = reading.row.measure
    if reading.exact("t"):
        return reading.interval("t"), f"t = {reading['t'].text}", "t"
    if m == "odds_ratio" or not reading.exact("estimate"):
        return None
    b = reading["estimate"]
    if reading.exact("se") and reading["se"].value > 0:
        return (reading.interval("estimate") / reading.interval("se"),
                f"z = {b.text}/{reading['se'].text}", "se")
    return None


def _p_interval(stat: Interval, df: float | None) -> Interval:
    a = stat.abs()
    return Interval(cv.p_from_statistic(a.hi, df), cv.p_from_statistic(a.lo, df))


def _p_vs_statistic(reading: RowReading) -> list[Finding]:
    p = reading["p"]
    if p.value is None or "out_of_range" in p.flags:
        return []
    found = _statistic(reading)
    if found is None:
        return []
    stat, described, _ = found
    df = reading["df"].value if reading.exact("df") else None
    p_iv = Interval(p.lower, p.upper)
    computed = _p_interval(stat, df)
    if computed.overlaps(p_iv):
        return []
    dist = f"t({fmt(df)})" if df is not None else "normal"
    point = cv.p_from_statistic(stat.mid, df)
    numbers = dict(p_printed=p.value, p_computed=point, p_low=computed.lo, p_high=computed.hi)
    # Logistic models are tested with Wald z; other estimates often with t on unknown df.
    t_possible = reading.row.measure not in LOG_ODDS_MEASURES + ("odds_ratio",)
    if df is None and p.lower > computed.hi and t_possible:
        fits = _df_range(stat, p_iv)
        if fits:
            return [_f(reading, "note", "p_vs_statistic",
                       f"p = {p.text} does not follow from {described} under the normal "
                       f"distribution (p = {fmt(point)}), but does under a t distribution with "
                       f"df from {fits[0]} to {fits[1]}; fill in df to check it", "p",
                       **numbers, df_low=fits[0], df_high=fits[1])]
        df1 = cv.p_from_statistic(stat.mid, 1)
        extra = (f"; no t distribution fits either (df = 1 gives {fmt(df1)}, and p falls "
                 "as df grows)")
    else:
        extra = ""
    printed_sig, printed_not = p_iv.hi < DECISION_ALPHA, p_iv.lo >= DECISION_ALPHA
    computed_sig, computed_not = computed.hi < DECISION_ALPHA, computed.lo >= DECISION_ALPHA
    decision = (printed_sig and computed_not) or (printed_not and computed_sig)
    level = "error" if decision else "warning"
    hint = ""
    if not decision and p.text.strip().startswith(("0.001", "0,001")) and computed.hi < 0.0005:
        hint = "; reports sometimes print 0.001 for p < 0.001"
    what = ("so the conclusion at 0.05 changes (a decision error)" if decision
            else "the conclusion at 0.05 is the same")
    if computed.hi > 0:
        span = f"{dist}; {_p(computed.lo)} to {_p(computed.hi)} allowing for rounding"
    else:
        span = f"{dist}, whatever the rounding"
    return [_f(reading, level, "p_vs_statistic",
               f"p = {p.text} but {described} gives two-sided p = {_p(point, stat.mid, df)} "
               f"({span}){extra}; "
               f"{what}{hint}", "p", **numbers)]


def _p(x: float, statistic: float | None = None, df: float | None = None) -> str:
    """A p-value for a message; one that underflows is given as a power of ten."""
    if x > 0 or statistic is None:
        return fmt(x)
    dist = stats.norm if df is None else stats.t(df)
    log10 = (math.log(2.0) + float(dist.logsf(abs(statistic)))) / math.log(10.0)
    if not math.isfinite(log10):  # a statistic beyond any float (1e308): p is 0 to print
        return "0 (to machine precision)"
    return f"about 1e{math.floor(log10)}"


def _df_range(stat: Interval, p_iv: Interval) -> tuple[int, int] | None:
    """Smallest and largest integer df (1.._MAX_DF) whose t distribution fits the printed p.

    For a fixed statistic the two-sided p falls as df grows, so the df that fit form one run:
    from the first df whose smallest p (at the largest statistic) reaches down to the top of
    the printed interval, to the last df whose largest p still reaches its bottom.
    """
    def p_range(df: int) -> Interval:
        return _p_interval(stat, df)

    if p_range(1).hi < p_iv.lo or p_range(_MAX_DF).lo > p_iv.hi:
        return None
    lo, hi = 1, _MAX_DF                      # first df with p_min <= top of printed p
    while lo < hi:
        mid = (lo + hi) // 2
        if p_range(mid).lo <= p_iv.hi:
            hi = mid
        else:
            lo = mid + 1
    first = lo
    if p_range(first).hi < p_iv.lo:          # jumped over the printed interval
        return None
    lo, hi = first, _MAX_DF                  # last df with p_max >= bottom of printed p
    if p_range(hi).hi >= p_iv.lo:
        return first, _MAX_DF
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if p_range(mid).hi >= p_iv.lo:
            lo = mid
        else:
            hi = mid
    return first, lo


# --------------------------------------------------------------------------- stars
def _star_fits(p, thresholds: tuple[float, ...]) -> bool:
    """Whether a starred p (a Printed) fits one convention, allowing for p's rounding."""
    s = min(p.stars, len(thresholds))
    top = thresholds[s - 1]
    bottom = thresholds[s] if s < len(thresholds) else 0.0
    return p.lower < top and p.upper >= bottom


def report_conventions(readings: list[RowReading], conventions: dict) -> dict[str, dict]:
    """For each report, the star convention(s) that fit most of its starred p-values.

    A report uses one convention throughout, so a p whose stars fit only another convention
    is suspect even if that other convention is common. Ties keep every tied convention.

    Returns
    -------
    dict
        report -> {"conventions": {name: thresholds}, "fits": int, "starred": int}
    """
    out: dict[str, dict] = {}
    by_report: dict[str, list] = {}
    for r in readings:
        p = r["p"]
        if p.stars and p.value is not None:
            by_report.setdefault(r.row.report, []).append(p)
    for report, ps in by_report.items():
        counts = {name: sum(_star_fits(p, th) for p in ps) for name, th in conventions.items()}
        best = max(counts.values())
        out[report] = {"conventions": {n: conventions[n] for n, c in counts.items() if c == best},
                       "fits": best, "starred": len(ps)}
    return out


def _stars(reading: RowReading, chosen: dict | None) -> list[Finding]:
    p = reading["p"]
    if p.stars == 0 or p.value is None or not chosen or not chosen["conventions"]:
        return []
    conventions = chosen["conventions"]
    if any(_star_fits(p, th) for th in conventions.values()):
        return []
    expected = []
    for name, thresholds in conventions.items():
        n = sum(1 for t in thresholds if p.value < t)
        expected.append(f"{n} under {name}")
    names = " or ".join(conventions)
    return [_f(reading, "warning", "stars_vs_p",
               f"p = {p.text} carries {p.stars} star(s), but this report's stars follow {names} "
               f"({chosen['fits']} of its {chosen['starred']} starred p-values fit), which "
               f"gives {', '.join(expected)}", "p", p=p.value, stars=p.stars)]


# --------------------------------------------------------------------------- other
def _bootstrap_bias(reading: RowReading) -> list[Finding]:
    if reading.row.measure not in ("path_coef", "beta"):
        return []
    if not all(reading.exact(c) for c in ("estimate", "sample_mean", "se")):
        return []
    o, mean, se = reading["estimate"], reading["sample_mean"], reading["se"]
    gap = Interval.of(mean).lo - Interval.of(o).hi, Interval.of(o).lo - Interval.of(mean).hi
    if max(gap) > se.upper:
        return [_f(reading, "warning", "bootstrap_bias",
                   f"the bootstrap mean {mean.text} differs from the estimate {o.text} by more "
                   f"than one bootstrap SD ({se.text})", "sample_mean")]
    return []


def _unconvertible(reading: RowReading) -> list[Finding]:
    c = convert_row(reading)
    if c.ok:
        return []
    return [_f(reading, "warning", "unconvertible",
               f"no effect size can be computed: {c.reason}", None)]


def summary(findings: list[Finding]) -> dict[str, int]:
    """Count findings by level (every level present, zero when none)."""
    return {level: sum(1 for f in findings if f.level == level) for level in LEVELS}


__all__ = ["Finding", "LEVELS", "STAR_CONVENTIONS", "check", "report_conventions", "summary"]
