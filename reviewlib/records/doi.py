"""DOI normalisation: one spelling per DOI, so that equal DOIs compare equal.

DOIs are case-insensitive (DOI Handbook, section 2.4: "DOI names are case insensitive"), so
the canonical form is lower case. Exports write them in many ways: a bare ``10.x/y``, a URL
(``https://doi.org/...``, ``http://dx.doi.org/...``, percent-encoded), a ``doi:`` or
``DOI`` prefix, angle brackets, a trailing full stop from a reference list.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

# A DOI is "10." + registrant code (4 to 9 digits, possibly with dot-separated sub-codes)
# + "/" + suffix; the pattern follows Crossref's advice for matching modern DOIs
# (https://www.crossref.org/blog/dois-and-matching-regular-expressions/).
_DOI = re.compile(r"10\.\d{4,9}(?:\.\d+)*/\S+")
_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.|www\.)?doi\.org/|^doi\s*[:=]?\s*|^urn:doi:",
                     re.IGNORECASE)
_TRAILING = ".,;:'\"]>}"
_SPACE = re.compile(r"\s+")


def _strip_unbalanced(doi: str) -> str:
    """Drop trailing punctuation that is not part of the DOI (a ')' only if unbalanced)."""
    while doi:
        last = doi[-1]
        if last in _TRAILING:
            doi = doi[:-1]
        elif last == ")" and doi.count(")") > doi.count("("):
            doi = doi[:-1]
        else:
            break
    return doi


def normalize_doi(value: str | None) -> str:
    """The canonical (lower-case, bare) form of a DOI, or ``""`` if ``value`` holds none.

    Parameters
    ----------
    value : str or None
        A DOI as exported or typed: bare, as a URL, with a ``doi:`` prefix, with spaces or
        trailing punctuation.

    Returns
    -------
    str
        ``"10.<registrant>/<suffix>"`` in lower case; ``""`` when no DOI is found.

    Examples
    --------
    >>> normalize_doi("https://doi.org/10.1016/j.joitmc.2023.100171")
    '10.1016/j.joitmc.2023.100171'
    >>> normalize_doi("DOI: 10.1108/IJOEM-12-2022-1937.")
    '10.1108/ijoem-12-2022-1937'
    >>> normalize_doi("n/a")
    ''
    """
    if not value:
        return ""
    text = str(value).strip().strip("<>").strip()
    if "%" in text:
        text = unquote(text)
    prefix = _PREFIX.match(text)  # every alternative is anchored at the start
    if prefix:
        text = text[prefix.end():]
    text = text.strip()
    squeezed = _SPACE.sub("", text)
    if _DOI.match(squeezed):
        text = squeezed
    match = _DOI.search(text)
    if not match:
        return ""
    doi = match.group(0)
    if text[: match.start()].lower().endswith("doi="):
        doi = doi.split("&", 1)[0]  # a query parameter of a link (Scopus "Link" column)
    return _strip_unbalanced(doi).lower()
