"""Numbers exactly as a report printed them.

An extraction sheet keeps every statistic as the text the report shows -- ``"0,000***"``,
``"<0.001"``, ``"-1,435,267"`` -- and this module reads that text without guessing:

* the number of printed decimals is kept, because it fixes how far the true value may lie
  from the printed one (half a unit in the last printed place);
* an operator (``<``, ``<=``/``≤``, ``>``, ``>=``/``≥``, ``=``) turns the value into a bound;
* trailing significance stars are counted and removed from the number;
* a decimal comma (``"1,868962"``) is read as the number it denotes in that convention and
  the cell is flagged ``decimal_comma``;
* separators that do not identify one number (``"-1,435,267"`` for what is almost surely
  -1.435267) leave the value empty and flag ``ambiguous_separators``. Another printed number
  may later pick one reading (see :func:`reviewlib.effects.resolve`); that reading is then a
  flagged inference, never a silent repair;
* a p-value printed as zero (``"0.000"``) is flagged ``p_zero`` and stands for the bound
  ``p < 0.0005`` (half a unit in the last printed place).

Flags (the vocabulary used across :mod:`reviewlib.effects`)
-----------------------------------------------------------
``empty``                 the cell is blank
``not_a_number``          text that is no number (``"ns"``, ``"-"``)
``decimal_comma``         a comma was read as the decimal mark
``thousands_separator``   commas/points were read as digit-group separators (counts only)
``ambiguous_separators``  the separators admit several readings; no value is given
``p_zero``                a p-value printed as 0; read as p < half a unit of the last place
``out_of_range``          a p-value outside [0, 1]
``inferred``              the value was chosen among the digit readings by another number
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

#: Canonical spellings of the comparison operators a report may print before a number.
OPERATORS = {"<=": "<=", "≤": "<=", "=<": "<=", ">=": ">=", "≥": ">=", "=>": ">=",
             "<": "<", ">": ">", "=": "="}

#: Characters that reports (and PDF-to-text tools) use for a minus sign.
_MINUS = {"\u2212": "-", "\u2013": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-"}
#: Spaces that may sit between a number and its stars or inside a cell.
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_OPERATOR = re.compile(r"^(<=|>=|=<|=>|≤|≥|<|>|=)")
_SCIENTIFIC = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+$")
_BODY = re.compile(r"^[-+]?[\d.,]*\d[\d.,]*$")

#: Kinds of cell, which change how separators and zeros are read.
KINDS = ("number", "p", "count")


@dataclass(frozen=True)
class Printed:
    """One printed number and what its printing tells us.

    Attributes
    ----------
    text : str
        The cell as extracted.
    value : float or None
        The number printed, or ``None`` when the cell is empty, not a number, or its
        separators are ambiguous.
    operator : str or None
        ``"<"``, ``"<="``, ``">"``, ``">="``, ``"="`` or ``None`` (no operator printed).
    decimals : int or None
        Decimal places printed (``"0.072"`` -> 3), which set the rounding tolerance.
    stars : int
        Number of significance stars printed after the number.
    flags : tuple of str
        See the module docstring for the vocabulary.
    kind : str
        ``"number"``, ``"p"`` or ``"count"`` -- how the text was read.
    inference : str
        For an ``inferred`` value: which other printed number chose it, in words.
    """

    text: str
    value: float | None
    operator: str | None = None
    decimals: int | None = None
    stars: int = 0
    flags: tuple[str, ...] = ()
    kind: str = "number"
    inference: str = ""
    _digits: str = field(default="", repr=False, compare=False)
    _negative: bool = field(default=False, repr=False, compare=False)

    # ---------------------------------------------------------------- intervals
    @property
    def half_unit(self) -> float:
        """Half a unit in the last printed place (0 when the decimals are unknown)."""
        if self.decimals is None:
            return 0.0
        return 0.5 * 10.0 ** (-self.decimals)

    @property
    def is_number(self) -> bool:
        """Whether a value could be read (possibly as a bound)."""
        return self.value is not None

    @property
    def is_bound(self) -> bool:
        """Whether the printing only bounds the number (an inequality or a p printed as 0)."""
        return self.operator in ("<", "<=", ">", ">=") or "p_zero" in self.flags

    @property
    def lower(self) -> float:
        """Smallest true value consistent with the printing (rounding or inequality).

        For p-values the interval is clipped to [0, 1].
        """
        if self.value is None:
            return math.nan
        if self.operator in ("<", "<="):
            lo = -math.inf
        elif self.operator in (">", ">="):
            lo = self.value
        else:
            lo = self.value - self.half_unit
        return max(lo, 0.0) if self.kind in ("p", "count") else lo

    @property
    def upper(self) -> float:
        """Largest true value consistent with the printing (rounding or inequality)."""
        if self.value is None:
            return math.nan
        if self.operator in ("<", "<="):
            hi = self.value
        elif self.operator in (">", ">="):
            hi = math.inf
        else:
            hi = self.value + self.half_unit
        return min(hi, 1.0) if self.kind == "p" else hi

    def consistent_with(self, x: float, slack: float = 0.0) -> bool:
        """Whether ``x`` could have been printed as this cell (allowing ``slack`` more)."""
        if self.value is None or math.isnan(x):
            return False
        return self.lower - slack <= x <= self.upper + slack

    # ---------------------------------------------------------------- readings
    def shown(self) -> str:
        """The value written with its printed decimals and a decimal point (``"1.868962"``)."""
        if self.value is None:
            return ""
        if self.decimals is None:
            return repr(self.value)
        return f"{self.value:.{self.decimals}f}"

    def digit_readings(self) -> list[tuple[float, int]]:
        """Every number the printed digits can stand for, one per decimal-point position.

        Used for ambiguous cells only: the digits of ``"-1,435,267"`` are trusted, the
        position of the decimal mark is not. Returns ``(value, decimals)`` pairs, sign kept.
        """
        digits = self._digits
        if not digits:
            return []
        sign = -1.0 if self._negative else 1.0
        out = []
        for k in range(0, len(digits) + 1):
            # k digits after the decimal mark; a reading may not start with a spurious 0.
            int_part = digits[: len(digits) - k]
            if len(int_part) > 1 and int_part.startswith("0"):
                continue
            value = sign * int(digits) / 10.0 ** k
            out.append((value, k))
        return out

    def with_reading(self, value: float, decimals: int, inference: str) -> "Printed":
        """This cell with one of its :meth:`digit_readings` adopted, flagged ``inferred``."""
        return replace(self, value=value, decimals=decimals,
                       flags=self.flags + ("inferred",), inference=inference)

    def __str__(self) -> str:
        return self.text


def _count_decimals(fraction: str) -> int:
    return len(fraction)


def parse_printed(text: str, kind: str = "number") -> Printed:
    """Read one cell exactly as printed.

    Parameters
    ----------
    text : str
        The cell, e.g. ``"0,000***"``, ``"< .001"``, ``"1,868962"``, ``"-1,435,267"``.
    kind : {"number", "p", "count"}
        ``"p"`` for p-values (a lone comma is then always a decimal comma, since p <= 1, and
        a printed zero is flagged ``p_zero``); ``"count"`` for sample sizes and degrees of
        freedom (commas or points in groups of three are thousands separators, so
        ``"1.234"`` is 1234 and flagged); ``"number"`` otherwise.

    Returns
    -------
    Printed
        The value (or ``None``), operator, printed decimals, stars and flags.

    Raises
    ------
    ValueError
        If ``kind`` is not one of :data:`KINDS`.

    Examples
    --------
    >>> p = parse_printed("0,000***", kind="p")
    >>> p.value, p.decimals, p.stars, p.flags, p.upper
    (0.0, 3, 3, ('decimal_comma', 'p_zero'), 0.0005)
    >>> parse_printed("<0.001", kind="p").operator
    '<'
    >>> q = parse_printed("-1,435,267")
    >>> q.value is None, q.flags
    (True, ('ambiguous_separators',))
    >>> parse_printed("11,077", kind="count").value
    11077.0
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    raw = "" if text is None else str(text)
    s = raw
    for bad, good in _MINUS.items():
        s = s.replace(bad, good)
    s = _SPACES.sub("", s)
    if s == "":
        return Printed(raw, None, flags=("empty",), kind=kind)
    if kind == "p" and s[:1] in ("p", "P"):
        s = s[1:]
    operator = None
    m = _OPERATOR.match(s)
    if m:
        operator = OPERATORS[m.group(1)]
        s = s[m.end():]
    stars = len(s) - len(s.rstrip("*"))
    s = s.rstrip("*")
    if "*" in s:
        return Printed(raw, None, operator, stars=stars, flags=("not_a_number",), kind=kind)

    if _SCIENTIFIC.match(s):
        mantissa, exponent = re.split("[eE]", s)
        frac = mantissa.split(".")[1] if "." in mantissa else ""
        decimals = max(len(frac) - int(exponent), 0)
        if not math.isfinite(float(s)):  # "1e400": beyond any float, not a printed value
            return Printed(raw, None, operator, stars=stars, flags=("not_a_number",), kind=kind)
        return _finish(Printed(raw, float(s), operator, decimals, stars, (), kind))

    if not _BODY.match(s):
        return Printed(raw, None, operator, stars=stars, flags=("not_a_number",), kind=kind)

    negative = s.startswith("-")
    body = s.lstrip("+-")
    digits = re.sub(r"[.,]", "", body)
    base = dict(_digits=digits, _negative=negative)
    sign = -1.0 if negative else 1.0
    commas, points = body.count(","), body.count(".")

    def number(int_part: str, frac: str, flags: tuple[str, ...]) -> Printed:
        value = sign * float(f"{int_part or '0'}.{frac or '0'}")
        return _finish(Printed(raw, value, operator, len(frac), stars, flags, kind, **base))

    def ambiguous() -> Printed:
        return Printed(raw, None, operator, None, stars, ("ambiguous_separators",), kind,
                       **base)

    grouped = re.fullmatch(r"[1-9]\d{0,2}([,.]\d{3})+", body)
    if commas == 0 and points == 0:
        return number(body, "", ())
    if commas == 0 and points == 1:
        if kind == "count" and grouped:  # "1.234": a count has no fraction, so 1234
            return number(digits, "", ("thousands_separator",))
        int_part, frac = body.split(".")
        return number(int_part, frac, ())
    if points == 0 and commas == 1:
        int_part, frac = body.split(",")
        if kind == "count":
            if grouped:
                return number(digits, "", ("thousands_separator",))
            return ambiguous()
        could_be_thousands = len(frac) == 3 and re.fullmatch(r"[1-9]\d{0,2}", int_part)
        if kind == "p" or not could_be_thousands:
            return number(int_part, frac, ("decimal_comma",))
        return ambiguous()
    if kind == "count" and grouped and (commas == 0 or points == 0):
        return number(digits, "", ("thousands_separator",))
    # "1,234.5" (thousands comma, decimal point) and "1.234,5" (the reverse) are unambiguous
    # only for counts; for statistics a stray separator is more likely than a thousands group.
    if kind == "count" and re.fullmatch(r"[1-9]\d{0,2}(,\d{3})+\.\d+", body):
        int_part, frac = body.replace(",", "").split(".")
        return number(int_part, frac, ("thousands_separator",))
    return ambiguous()


def _finish(p: Printed) -> Printed:
    """Add the p-value specific flags."""
    if p.kind != "p" or p.value is None:
        return p
    flags = p.flags
    if p.value == 0 and p.operator in (None, "="):
        flags += ("p_zero",)
    if p.value < 0 or p.value > 1:
        flags += ("out_of_range",)
    return replace(p, flags=flags)
