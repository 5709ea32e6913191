"""Page ranges and article numbers in one spelling: ``"12--20"``, ``"12"`` or ``"e100171"``.

BibTeX writes a page range with a double hyphen (Patashnik, *BibTeXing*, 1988, section 4);
exports use a hyphen, an en or em dash, a "pp." prefix, split start/end columns (Scopus) or
only an article number (``e384``, ``100171``). Abbreviated ends are expanded as printed
reference lists intend them: ``1288-313`` is 1288--1313.
"""

from __future__ import annotations

import re

_DASHES = re.compile(r"\s*(?:-{1,3}|\u2010|\u2011|\u2012|\u2013|\u2014|\u2015|\u2212)\s*")
_PREFIX = re.compile(r"^(?:pp?\.?|pages?|art(?:icle)?\.?\s*(?:no\.?)?)\s*", re.IGNORECASE)
_NUM = re.compile(r"^\d+$")


def _expand(start: str, end: str) -> str:
    """Expand an abbreviated range end ("1288", "313" -> "1313")."""
    if _NUM.match(start) and _NUM.match(end) and len(end) < len(start):
        expanded = start[: len(start) - len(end)] + end
        if int(expanded) >= int(start):
            return expanded
    return end


def normalize_pages(value: str | None) -> str:
    """Canonical pages: ``"start--end"``, a single page, or an article number.

    Parameters
    ----------
    value : str or None
        Pages as exported: ``"12-20"``, ``"12--20"``, ``"12–20"``, ``"pp. 12-20"``,
        ``"e100171"``, ``"Article 100171"``.

    Returns
    -------
    str
        ``"12--20"`` for a range, ``"12"`` for one page or a range that starts and ends on
        the same page, the article number as written (``"e100171"``) otherwise; ``""`` when
        empty. Text that is neither a page nor a range is returned stripped, unchanged.

    Examples
    --------
    >>> normalize_pages("366–386"), normalize_pages("pp. 159-186"), normalize_pages("e384")
    ('366--386', '159--186', 'e384')
    >>> normalize_pages("1288-313"), normalize_pages("12-12")
    ('1288--1313', '12')
    """
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    text = _PREFIX.sub("", text).strip()
    parts = [p for p in _DASHES.split(text)]
    if len(parts) == 2 and parts[0] and parts[1]:
        start, end = parts[0], _expand(parts[0], parts[1])
        if start == end:
            return start
        return f"{start}--{end}"
    if len(parts) == 2 and parts[0] and not parts[1]:
        return parts[0]  # "12-": the end was not exported
    return text


def pages_from_parts(start: str | None, end: str | None) -> str:
    """Canonical pages from separate start and end columns (as Scopus exports them).

    Examples
    --------
    >>> pages_from_parts("1601", "1618"), pages_from_parts("156", ""), pages_from_parts("", "")
    ('1601--1618', '156', '')
    """
    start = (start or "").strip()
    end = (end or "").strip()
    if start and end:
        return normalize_pages(f"{start}--{end}")
    return normalize_pages(start or end)
