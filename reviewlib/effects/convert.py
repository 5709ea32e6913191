"""From one row of printed statistics to an effect size and its variance, on a chosen scale.

Each row goes through two stages, both recorded:

1. **native** -- the estimate on its own scale (``logit_coef`` and ``odds_ratio`` on the log
   odds scale, ``r`` as a correlation, ``d``/``g`` as a standardised mean difference,
   ``path_coef``/``beta`` as a standardised coefficient) with a standard error taken from
   whichever printed source pins it down most tightly: the printed SE, the confidence
   interval, estimate/t, or the p-value (sample size for correlations). "Most tightly" means
   the smallest relative error that the printed rounding allows; a bound such as ``p < 0.001``
   or a p printed as ``0.000`` is used only when nothing else is printed, and then at the
   end of the bound that gives the *largest* SE (a valid, wider variance).
2. **scale** -- conversion to the requested scale (:data:`reviewlib.effects.conversions.SCALES`).

The conversion is described by step names joined with ``" > "`` (vocabulary in
:data:`STEPS`), and flags say what a reader should know (vocabulary in :data:`FLAGS`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import conversions as cv
from .resolve import LOG_ODDS_MEASURES, RowReading, read_row
from .table import EffectRow, EffectsTable

#: Names of conversion steps, with the formula each applies.
STEPS: dict[str, str] = {
    "ln_odds_ratio": "yi = ln(OR)",
    "se_printed": "SE as printed",
    "se_or_delta": "SE(ln OR) = SE(OR) / OR (delta method)",
    "se_from_ci": "SE = (U - L) / (2 z)",
    "se_from_log_ci": "SE = (ln U - ln L) / (2 z)",
    "se_from_t": "SE = |estimate / t|",
    "se_from_p": "SE = |estimate| / z(p/2), two-sided normal test",
    "se_from_p_bound": "SE = |estimate| / z(p_max/2), the largest SE the printed bound allows",
    "var_r_n": "v = (1 - r^2)^2 / (n - 1)",
    "var_fisher_z_n": "v = 1 / (n - 3)",
    "partial_r_from_t": "r = t / sqrt(t^2 + df)",
    "var_partial_r_df": "v = (1 - r^2)^2 / df",
    "var_d_n": "v = (n1 + n2)/(n1 n2) + d^2 / (2 (n1 + n2)), n1 = n2 = n/2",
    "var_g_n": "v = J^2 v_d at d = g/J, J = 1 - 3/(4 (n - 2) - 1), n1 = n2 = n/2",
    "log_or_to_d": "d = ln(OR) sqrt(3)/pi, v_d = v * 3/pi^2",
    "d_to_log_or": "ln(OR) = d pi/sqrt(3), v = v_d pi^2/3",
    "d_to_r": "r = d / sqrt(d^2 + 4), v_r = 16 v_d / (d^2 + 4)^3",
    "r_to_d": "d = 2r / sqrt(1 - r^2), v_d = 4 v_r / (1 - r^2)^3",
    "fisher_z": "z = atanh(r), v = 1/(n - 3)",
    "fisher_z_partial": "z = atanh(r), v = 1/(df - 1)",
    "fisher_z_delta": "z = atanh(r), v = v_r / (1 - r^2)^2",
    "z_to_r": "r = tanh(z), v_r = v_z (1 - r^2)^2",
    "beta_as_r": "a standardised coefficient used in place of r",
}

#: Flags a converted effect may carry (besides the cell flags of :mod:`.parsing`).
FLAGS: dict[str, str] = {
    "p_bound_conservative": "SE from a bound on p, at the end giving the largest SE",
    "bootstrap_se": "SE is a bootstrap standard deviation (PLS/SEM)",
    "se_of_odds_ratio": "the printed SE was read as SE(OR), converted by the delta method",
    "beta_as_r": "a standardised (partial) coefficient stands in for a correlation",
    "equal_groups_assumed": "group sizes unknown; equal groups assumed",
    "partial_r": "a partial correlation, not a zero-order one",
}

#: Cell flags worth carrying into a converted effect.
_CARRIED = ("decimal_comma", "inferred", "p_zero")


@dataclass(frozen=True)
class Converted:
    """One row on one scale.

    Attributes
    ----------
    effect_id : str
    line : int
        Line of the row in its file.
    yi, vi : float
        Effect size and its sampling variance (``nan`` when ``reason`` is set).
    scale : str
        One of :data:`reviewlib.effects.conversions.SCALES`.
    conversion : str
        Steps applied, joined with ``" > "`` (see :data:`STEPS`).
    flags : tuple of str
    reason : str
        Why the row could not be converted; ``""`` when it was.
    """

    effect_id: str
    line: int
    yi: float
    vi: float
    scale: str
    conversion: str
    flags: tuple[str, ...] = ()
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason

    @property
    def se(self) -> float:
        return math.sqrt(self.vi) if self.vi >= 0 else math.nan


@dataclass
class _State:
    value: float
    var: float
    scale: str
    steps: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def flag(self, *names: str) -> None:
        for name in names:
            if name not in self.flags:
                self.flags.append(name)


class _Unconvertible(Exception):
    """Internal: the row cannot be put on the scale; the message says why."""


_NATIVE = {
    "logit_coef": "log_odds_ratio", "log_odds_ratio": "log_odds_ratio",
    "odds_ratio": "log_odds_ratio", "r": "correlation", "partial_r": "correlation",
    "fisher_z": "fisher_z", "d": "smd", "g": "smd", "path_coef": "standardized_coef",
    "beta": "standardized_coef",
}


def native_scale(measure: str) -> str:
    """The scale a measure lives on before any conversion."""
    return _NATIVE[measure]


def convert_row(row: EffectRow | RowReading, scale: str | None = None) -> Converted:
    """Effect size and variance of one row on ``scale`` (default: the measure's own scale).

    Parameters
    ----------
    row : EffectRow or RowReading
    scale : str, optional
        One of :data:`reviewlib.effects.conversions.SCALES`.

    Returns
    -------
    Converted
        Never raises for bad numbers: an unconvertible row has ``reason`` set.

    Examples
    --------
    Suryawijaya and Wardhani (2023), Table 3, X -> Y: O = 0.969, t = 164.130. The t gives
    the tighter SE (0.969/164.130 = 0.0059039) than the printed STDEV 0.006:

    >>> from reviewlib.effects.table import EffectsTable
    >>> t = EffectsTable.from_records([dict(effect_id="e", study_id="s", report="r",
    ...     measure="path_coef", estimate="0.969", se="0.006", t="164.130", p="0.001",
    ...     n="100")])
    >>> c = convert_row(t.rows[0])
    >>> c.conversion, round(c.se, 7), c.flags
    ('se_from_t', 0.0059039, ('bootstrap_se',))
    """
    reading = row if isinstance(row, RowReading) else read_row(row)
    r = reading.row
    if scale is not None and scale not in cv.SCALES:
        raise ValueError(f"scale must be one of {', '.join(cv.SCALES)}; got {scale!r}")
    target = scale or _NATIVE.get(r.measure, "")
    try:
        state = _native(reading)
        _to_scale(state, target, reading)
    except _Unconvertible as e:
        return Converted(r.effect_id, r.line, math.nan, math.nan, target, "", (), str(e))
    if not (math.isfinite(state.value) and math.isfinite(state.var) and state.var > 0):
        return Converted(r.effect_id, r.line, math.nan, math.nan, target, " > ".join(state.steps),
                         tuple(state.flags), "the conversion gave no finite effect and "
                         "positive variance")
    return Converted(r.effect_id, r.line, state.value, state.var, target,
                     " > ".join(state.steps), tuple(state.flags))


# --------------------------------------------------------------------------- stage 1
def _carry(state: _State, reading: RowReading, *columns: str) -> None:
    for c in columns:
        for f in reading[c].flags:
            if f in _CARRIED:
                state.flag(f)


def _estimate(reading: RowReading) -> _State:
    r = reading.row
    m = r.measure
    scale = _NATIVE.get(m)
    if scale is None:
        raise _Unconvertible(f"unknown measure {m!r}")
    est = reading["estimate"]
    if est.is_bound:
        raise _Unconvertible(f"the estimate is printed as a bound ({est.text!r})")
    if m in LOG_ODDS_MEASURES:
        if reading.has("estimate"):
            s = _State(est.value, math.nan, scale)
            _carry(s, reading, "estimate")
            return s
        # No fallback on the odds-ratio cell: the measure says the estimate is a coefficient,
        # and in garbled tables a blank or "-" coefficient cell often sits above an odds-ratio
        # cell that holds the coefficient's digits. A row with only an odds ratio printed
        # should say so with measure odds_ratio.
        if "empty" in est.flags and reading.has("odds_ratio"):
            raise _Unconvertible(f"measure is {m} but estimate is blank; if the report prints "
                                 "only an odds ratio, use measure odds_ratio")
    elif m == "odds_ratio":
        for c in ("estimate", "odds_ratio"):
            if reading.exact(c):
                if reading[c].value <= 0:
                    raise _Unconvertible(f"an odds ratio must be positive; {c} is {reading[c].text!r}")
                s = _State(math.log(reading[c].value), math.nan, scale, ["ln_odds_ratio"])
                _carry(s, reading, c)
                return s
    elif m == "partial_r" and not reading.has("estimate"):
        if reading.exact("t") and reading.exact("df"):
            value = cv.partial_r_from_t(reading["t"].value, reading["df"].value)
            s = _State(value, math.nan, scale, ["partial_r_from_t"])
            _carry(s, reading, "t", "df")
            return s
    elif reading.has("estimate"):
        s = _State(est.value, math.nan, scale)
        _carry(s, reading, "estimate")
        return s
    why = _blank_or_text(reading, "estimate")
    raise _Unconvertible(f"no usable estimate: {why}")


def _blank_or_text(reading: RowReading, column: str) -> str:
    p = reading[column]
    if "empty" in p.flags:
        return f"{column} is blank"
    if "ambiguous_separators" in p.flags:
        return f"{column} {p.text!r} has ambiguous separators"
    return f"{column} {p.text!r} is not a number"


def _se_candidates(reading: RowReading, state: _State) -> list[tuple[float, str, float, tuple]]:
    """(relative error, step, se, flags) for every printed route to the SE of the estimate."""
    m = reading.row.measure
    b = state.value
    if m == "odds_ratio":
        e = reading["estimate"] if reading.exact("estimate") else reading["odds_ratio"]
        abs_b = e.half_unit / e.value       # rounding of OR, carried to the log scale
    else:
        e = reading["estimate"]
        abs_b = e.half_unit
    # relative rounding error of the estimate on the native scale
    rel_b = abs_b / abs(b) if b else math.inf
    out: list[tuple[float, str, float, tuple]] = []
    se = reading["se"]
    if reading.exact("se") and se.value > 0:
        if m == "odds_ratio":
            out.append((se.half_unit / se.value + rel_b, "se_or_delta",
                        se.value / math.exp(b), ("se_of_odds_ratio",)))
        else:
            out.append((se.half_unit / se.value, "se_printed", se.value, ()))
    lo, hi = reading["ci_low"], reading["ci_high"]
    level = ci_level(reading)
    if reading.exact("ci_low") and reading.exact("ci_high") and lo.value < hi.value \
            and not math.isnan(level):  # an unreadable level is an error of the checks
        if m == "odds_ratio":
            if lo.value > 0:
                width = math.log(hi.value) - math.log(lo.value)
                err = lo.half_unit / lo.value + hi.half_unit / hi.value
                out.append((err / width, "se_from_log_ci",
                            cv.se_from_ci(math.log(lo.value), math.log(hi.value), level), ()))
        elif m not in ("r", "partial_r"):
            width = hi.value - lo.value
            out.append(((lo.half_unit + hi.half_unit) / width, "se_from_ci",
                        cv.se_from_ci(lo.value, hi.value, level), ()))
    t = reading["t"]
    if reading.exact("t") and t.value != 0 and b != 0:
        out.append((t.half_unit / abs(t.value) + rel_b, "se_from_t", cv.se_from_t(b, t.value), ()))
    p = reading["p"]
    if p.value is not None and b != 0 and "out_of_range" not in p.flags:
        if p.is_bound and p.operator not in (">", ">="):
            s = cv.se_from_p(b, p.upper)
            if math.isfinite(s) and s > 0:
                out.append((math.inf, "se_from_p_bound", s, ("p_bound_conservative",)))
        elif not p.is_bound and 0 < p.value < 1:
            s = cv.se_from_p(b, p.value)
            s_lo, s_hi = cv.se_from_p(b, max(p.lower, 1e-300)), cv.se_from_p(b, p.upper)
            if s > 0:  # a p below ~1e-300 leaves no usable SE
                err = (s_hi - s_lo) / (2 * s) + rel_b if math.isfinite(s_hi) else math.inf
                out.append((err, "se_from_p", s, ()))
    return out


def ci_level(reading: RowReading) -> float:
    """The confidence level in percent (blank = 95; ``0.95`` and ``95%`` are accepted).

    NaN for text that is no level: not a number, or outside [50, 100) as a percentage and
    [0.5, 1) as a proportion ("1" could be either 1 % or 100 %; no report prints those).
    """
    text = reading.row.ci_level.strip().rstrip("%").strip()
    if not text:
        return 95.0
    try:
        level = float(text.replace(",", "."))
    except ValueError:
        return math.nan
    if 0.5 <= level < 1:
        return level * 100
    return level if 50 <= level < 100 else math.nan


def _native(reading: RowReading) -> _State:
    m = reading.row.measure
    n = reading["n"].value if reading.exact("n") else None
    df = reading["df"].value if reading.exact("df") else None
    # checked before anything uses them (a partial r from t needs df > 0)
    if n is not None and not (n >= 1 and n.is_integer()):
        raise _Unconvertible(f"n = {reading['n'].text!r} is not a sample size (a whole "
                             "number of at least 1)")
    if df is not None and df <= 0:
        raise _Unconvertible(f"df = {reading['df'].text!r}: degrees of freedom must be positive")
    state = _estimate(reading)
    if m in ("r", "partial_r", "fisher_z"):
        r = state.value if m != "fisher_z" else math.tanh(state.value)
        if abs(r) >= 1:
            raise _Unconvertible(f"a correlation must lie in (-1, 1); got {state.value}")
        if m == "partial_r":
            state.flag("partial_r")
            if df is not None:
                state.var = cv.var_partial_r(r, df)
                state.steps.append("var_partial_r_df")
                _carry(state, reading, "df")
                return state
        elif n is not None:
            if m == "r":
                state.var = cv.var_r(r, n)
                state.steps.append("var_r_n")
            else:
                state.var = cv.var_fisher_z(n)
                state.steps.append("var_fisher_z_n")
            return state
    candidates = _se_candidates(reading, state)
    if candidates:
        candidates.sort(key=lambda c: c[0])
        _, step, se, flags = candidates[0]
        state.var = se * se
        state.steps.append(step)
        state.flag(*flags)
        used = {"se_printed": ("se",), "se_or_delta": ("se",), "se_from_ci": ("ci_low", "ci_high"),
                "se_from_log_ci": ("ci_low", "ci_high"), "se_from_t": ("t",),
                "se_from_p": ("p",), "se_from_p_bound": ("p",)}[step]
        _carry(state, reading, *used)
        if m == "path_coef" and step in ("se_printed", "se_from_t"):
            state.flag("bootstrap_se")
        return state
    if m == "d" and n is not None and n > 2:
        state.var = cv.var_d(state.value, n / 2, n / 2)
        state.steps.append("var_d_n")
        state.flag("equal_groups_assumed")
        return state
    if m == "g" and n is not None and n > 3:  # J = 0 for n = 3
        # V_g = J^2 V_d, with V_d evaluated at d = g / J ([B09] eqs. 4.20-4.24)
        j = cv.hedges_j(n - 2)
        state.var = j * j * cv.var_d(state.value / j, n / 2, n / 2)
        state.steps.append("var_g_n")
        state.flag("equal_groups_assumed")
        return state
    raise _Unconvertible("no printed statistic gives a standard error (se, ci_low/ci_high, "
                         "t or p" + (", or n" if m in ("r", "fisher_z", "d", "g") else "") + ")")


# --------------------------------------------------------------------------- stage 2
def _to_scale(s: _State, target: str, reading: RowReading) -> None:
    if target == s.scale:
        return
    m = reading.row.measure
    n = reading["n"].value if reading.exact("n") else None
    df = reading["df"].value if reading.exact("df") else None
    if s.scale == "standardized_coef":
        if abs(s.value) >= 1:
            raise _Unconvertible(f"a standardised coefficient of {s.value} cannot stand in for r")
        s.scale = "correlation"
        s.steps.append("beta_as_r")
        s.flag("beta_as_r")
        if target == "correlation":
            return
        if target == "fisher_z" and n is not None and n > 3:
            s.value, s.var, s.scale = cv.fisher_z(s.value), cv.var_fisher_z(n), "fisher_z"
            s.steps.append("fisher_z")
            return
    if target == "standardized_coef":
        raise _Unconvertible(f"a {m} cannot be expressed as a standardised coefficient")
    if s.scale == "fisher_z":
        r = math.tanh(s.value)
        s.value, s.var, s.scale = r, s.var * (1 - r * r) ** 2, "correlation"
        s.steps.append("z_to_r")
        if target == "correlation":
            return
    if s.scale == "correlation":
        if target == "fisher_z":
            if m == "r" and n is not None and n > 3:
                s.value, s.var = cv.fisher_z(s.value), cv.var_fisher_z(n)
                s.steps.append("fisher_z")
            elif m == "partial_r" and df is not None and df > 1:
                s.value, s.var = cv.fisher_z(s.value), cv.var_fisher_z_partial(df)
                s.steps.append("fisher_z_partial")
            else:
                s.value, s.var = cv.fisher_z_delta(s.value, s.var)
                s.steps.append("fisher_z_delta")
            s.scale = "fisher_z"
            return
        if abs(s.value) >= 1:
            raise _Unconvertible(f"r = {s.value} cannot be converted to d")
        s.value, s.var = cv.r_to_d(s.value, s.var)
        s.scale = "smd"
        s.steps.append("r_to_d")
        if target == "smd":
            return
    if s.scale == "log_odds_ratio":
        s.value, s.var = cv.log_or_to_d(s.value, s.var)
        s.scale = "smd"
        s.steps.append("log_or_to_d")
        if target == "smd":
            return
    if s.scale == "smd":
        if target == "log_odds_ratio":
            s.value, s.var = cv.d_to_log_or(s.value, s.var)
            s.steps.append("d_to_log_or")
        else:  # correlation or fisher_z
            s.value, s.var = cv.d_to_r(s.value, s.var)
            s.steps.append("d_to_r")
            s.flag("equal_groups_assumed")
            s.scale = "correlation"
            if target == "fisher_z":
                s.value, s.var = cv.fisher_z_delta(s.value, s.var)
                s.steps.append("fisher_z_delta")
                s.scale = "fisher_z"
                return
        s.scale = target
        return
    raise _Unconvertible(f"no conversion from {s.scale} to {target}")  # pragma: no cover


def convert_table(table: EffectsTable, scale: str | None = None) -> list[Converted]:
    """:func:`convert_row` for every row, in file order."""
    return [convert_row(r, scale) for r in table.rows]
