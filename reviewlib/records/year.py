"""Publication year: four digits or nothing, and a reason whenever a value is refused.

Unlike a range clamp (some tools blank every year outside 1900-2100 without a word), a value
that holds no usable year raises :class:`YearError` from :func:`parse_year` so readers can
report it with its file and line; :func:`normalize_year` is the quiet variant for matching.
"""

from __future__ import annotations

import re

# Four digits not touching other digits: "2023", "2023a", "(2023)", "2023-05-01",
# "2023/05/01/" (RIS), "May 2023", "2023.0" (a year stored as a number by a spreadsheet).
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# An ISO-like date whose first field is the year ("2023-05-01", "2023/05/01/", "2023///").
_DATE = re.compile(r"^\s*(\d{4})(?:[-/.]\d{0,2}){0,3}[-/.]*\s*$")
# Words that mean "no year yet", which are missing values rather than errors.
_NO_YEAR = {"", "n.d.", "n.d", "nd", "no date", "in press", "forthcoming", "na", "n/a", "-"}


class YearError(ValueError):
    """A non-empty value that holds no single four-digit year."""


def parse_year(value: str | None) -> str:
    """The four-digit year in ``value``; ``""`` if it says there is none.

    Parameters
    ----------
    value : str or None
        The year field as exported.

    Returns
    -------
    str
        ``"2023"``-style year, or ``""`` for an empty value or a "no date" marker
        (``n.d.``, ``in press``, ``forthcoming``, ``NA``).

    Raises
    ------
    YearError
        If the value is not empty but holds no four-digit number, or holds two different
        ones ("2019/2020" is ambiguous and is not resolved silently).

    Examples
    --------
    >>> parse_year("2023a"), parse_year("(2023)"), parse_year("2023-05-01"), parse_year("in press")
    ('2023', '2023', '2023', '')
    """
    text = "" if value is None else str(value).strip()
    if text.casefold().strip("()[] ") in _NO_YEAR:
        return ""
    date = _DATE.match(text)
    if date:
        return date.group(1)
    years = list(dict.fromkeys(_YEAR.findall(text)))
    if not years:
        raise YearError(f"not a year: {text!r} (expected four digits such as 2023)")
    if len(years) > 1:
        raise YearError(f"ambiguous year: {text!r} holds {' and '.join(years)}")
    return years[0]


def normalize_year(value: str | None) -> str:
    """Like :func:`parse_year`, but ``""`` for a value that holds no single year.

    Use :func:`parse_year` where the refusal must be reported to the user.

    Examples
    --------
    >>> normalize_year("2023"), normalize_year("12345"), normalize_year("2019/2020")
    ('2023', '', '')
    """
    try:
        return parse_year(value)
    except YearError:
        return ""
