"""Reading one row's printed numbers together, and interval arithmetic for rounding.

A printed number stands for an interval: ``0.006`` for [0.0055, 0.0065]. Checks compare
intervals, not points, so a statistic is called inconsistent only when *no* choice of true
values within the printed rounding makes the numbers agree (the principle of statcheck:
Nuijten, M. B., Hartgerink, C. H. J., van Assen, M. A. L. M., Epskamp, S., & Wicherts, J. M.
(2016). The prevalence of statistical reporting errors in psychology (1985-2013). *Behavior
Research Methods*, 48, 1205-1226).

:func:`read_row` parses every numeric cell of a row and, when a cell's separators are
ambiguous (``"-1,435,267"``), tries each placement of the decimal mark against another number
printed in the same row -- exp(coefficient) against the odds ratio, estimate/SE against t. A
single placement that agrees becomes the cell's value, flagged ``inferred`` with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from .parsing import Printed
from .table import NUMERIC, EffectRow

#: Relative slack added to every interval comparison, for floating-point error only.
FLOAT_SLACK = 1e-9

#: Measures whose estimate is on the log-odds scale (so exp(estimate) is an odds ratio).
LOG_ODDS_MEASURES = ("logit_coef", "log_odds_ratio")


def _safe(f: Callable[[float], float], x: float) -> float:
    """``f(x)``, or NaN where ``f`` is undefined or overflows."""
    try:
        return float(f(x))
    except (OverflowError, ValueError, ZeroDivisionError):
        return math.nan


@dataclass(frozen=True)
class Interval:
    """A closed interval of real numbers, the set of true values a printing allows."""

    lo: float
    hi: float

    @classmethod
    def of(cls, p: Printed) -> "Interval":
        """The interval of true values consistent with a printed cell."""
        return cls(p.lower, p.upper)

    @property
    def mid(self) -> float:
        return (self.lo + self.hi) / 2.0

    def overlaps(self, other: "Interval") -> bool:
        """Whether the two intervals share a point (with :data:`FLOAT_SLACK`)."""
        scale = max(abs(self.lo), abs(self.hi), abs(other.lo), abs(other.hi), 1e-300)
        if any(math.isnan(x) for x in (self.lo, self.hi, other.lo, other.hi)):
            return False
        slack = FLOAT_SLACK * (scale if math.isfinite(scale) else 1.0)
        return self.lo - slack <= other.hi and other.lo - slack <= self.hi

    def map(self, f: Callable[[float], float]) -> "Interval":
        """Image under a monotone function (increasing or decreasing).

        An end the function cannot take (``exp`` of a garbled 1435267 overflows) maps to
        NaN, so the interval overlaps nothing instead of raising.
        """
        a, b = _safe(f, self.lo), _safe(f, self.hi)
        if math.isnan(a) or math.isnan(b):
            return Interval(math.nan, math.nan)
        return Interval(min(a, b), max(a, b))

    def __truediv__(self, other: "Interval") -> "Interval":
        """Quotient interval; ``other`` must not contain 0 (else the result is unbounded)."""
        if other.lo <= 0 <= other.hi:
            return Interval(-math.inf, math.inf)
        q = [self.lo / other.lo, self.lo / other.hi, self.hi / other.lo, self.hi / other.hi]
        return Interval(min(q), max(q))

    def abs(self) -> "Interval":
        if self.lo >= 0:
            return self
        if self.hi <= 0:
            return Interval(-self.hi, -self.lo)
        return Interval(0.0, max(-self.lo, self.hi))

    def __str__(self) -> str:
        return f"[{_g(self.lo)}, {_g(self.hi)}]"


def _g(x: float) -> str:
    """A number short enough for a message and precise enough to be checked."""
    if not math.isfinite(x):
        return str(x)
    if x != 0 and (abs(x) < 1e-4 or abs(x) >= 1e6):
        return f"{x:.4g}"
    return f"{x:.6g}"


fmt = _g


@dataclass
class RowReading:
    """Every numeric cell of one row, read, with any inferred readings explained.

    Attributes
    ----------
    row : EffectRow
    cells : dict of str to Printed
        One entry per numeric column (:data:`reviewlib.effects.table.NUMERIC`).
    inferences : list of (str, str)
        ``(column, explanation)`` for each cell whose value was inferred.
    unresolved : list of (str, str)
        ``(column, explanation)`` for ambiguous cells no other number could settle.
    """

    row: EffectRow
    cells: dict[str, Printed]
    inferences: list[tuple[str, str]] = field(default_factory=list)
    unresolved: list[tuple[str, str]] = field(default_factory=list)

    def __getitem__(self, column: str) -> Printed:
        return self.cells[column]

    def has(self, column: str) -> bool:
        """Whether the cell holds a usable number (not blank, not ambiguous)."""
        return self.cells[column].value is not None

    def exact(self, column: str) -> bool:
        """Whether the cell holds a number printed without an operator (not a bound)."""
        c = self.cells[column]
        return c.value is not None and not c.is_bound

    def interval(self, column: str) -> Interval:
        return Interval.of(self.cells[column])


def read_row(row: EffectRow) -> RowReading:
    """Parse every numeric cell of ``row`` and settle ambiguous separators where possible.

    Parameters
    ----------
    row : EffectRow

    Returns
    -------
    RowReading

    Examples
    --------
    Fitriani et al. (2023), Table 3, Model I, constant: coefficient printed ``-1,435,267``
    next to the odds ratio ``0.2380518``; only -1.435267 has exp() = 0.23805:

    >>> from reviewlib.effects.table import EffectsTable
    >>> t = EffectsTable.from_records([dict(effect_id="e", study_id="s", report="r",
    ...     measure="logit_coef", estimate="-1,435,267", odds_ratio="0.2380518")])
    >>> r = read_row(t.rows[0])
    >>> r["estimate"].value, r["estimate"].flags
    (-1.435267, ('ambiguous_separators', 'inferred'))
    """
    cells = {c: row.printed(c) for c in NUMERIC}
    reading = RowReading(row, cells)
    if row.measure in LOG_ODDS_MEASURES:
        _settle(reading, "estimate", "odds_ratio", math.exp, "exp", "odds ratio")
        _settle(reading, "odds_ratio", "estimate", _safe_log, "ln", "coefficient")
    _settle_ratio(reading)
    for column, p in reading.cells.items():
        if "ambiguous_separators" in p.flags and "inferred" not in p.flags:
            reading.unresolved.append((column, _why_unresolved(p)))
    return reading


def _safe_log(x: float) -> float:
    return math.log(x) if x > 0 else math.nan


def _why_unresolved(p: Printed) -> str:
    return (f"{p.text!r} has separators that do not identify one number and no other "
            "printed number in the row picks one reading")


def _candidates(p: Printed) -> list[tuple[float, int]]:
    return p.digit_readings() if "ambiguous_separators" in p.flags else []


def _settle(reading: RowReading, target: str, other: str, f: Callable[[float], float],
            fname: str, other_name: str) -> None:
    """Pick the reading of ambiguous ``target`` for which f(target) agrees with ``other``."""
    t, o = reading.cells[target], reading.cells[other]
    if "ambiguous_separators" not in t.flags or "inferred" in t.flags or not reading.exact(other):
        return
    o_iv = Interval.of(o)
    fits = []
    for value, decimals in _candidates(t):
        h = 0.5 * 10.0 ** (-decimals)
        try:
            image = Interval(value - h, value + h).map(f)
        except (OverflowError, ValueError):
            continue
        if all(math.isfinite(x) for x in (image.lo, image.hi)) and image.overlaps(o_iv):
            fits.append((value, decimals))
    if len(fits) == 1:
        value, decimals = fits[0]
        shown = f"{value:.{decimals}f}"
        why = (f"{t.text!r} read as {shown} because {fname}({shown}) = "
               f"{_g(f(value))} agrees with the printed {other_name} {o.text}")
        reading.cells[target] = t.with_reading(value, decimals, why)
        reading.inferences.append((target, why))


def _settle_ratio(reading: RowReading) -> None:
    """Settle one ambiguous cell among estimate, se and t from estimate / se = t."""
    names = ("estimate", "se", "t")
    ambiguous = [c for c in names if "ambiguous_separators" in reading.cells[c].flags
                 and "inferred" not in reading.cells[c].flags]
    if len(ambiguous) != 1 or not all(reading.exact(c) for c in names if c != ambiguous[0]):
        return
    target = ambiguous[0]
    iv = {c: reading.interval(c) for c in names if c != target}
    t = reading.cells[target]
    fits = []
    for value, decimals in _candidates(t):
        h = 0.5 * 10.0 ** (-decimals)
        cand = Interval(value - h, value + h)
        if target == "estimate":
            ok = (cand / iv["se"]).overlaps(iv["t"])
        elif target == "se":
            ok = value > 0 and (iv["estimate"] / cand).overlaps(iv["t"])
        else:
            ok = (iv["estimate"] / iv["se"]).overlaps(cand)
        if ok:
            fits.append((value, decimals))
    if len(fits) == 1:
        value, decimals = fits[0]
        why = (f"{t.text!r} read as {value:.{decimals}f} because it is the only placement of the "
               "decimal mark for which estimate / se agrees with t")
        reading.cells[target] = t.with_reading(value, decimals, why)
        reading.inferences.append((target, why))
