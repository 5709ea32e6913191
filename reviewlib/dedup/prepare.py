"""Stage 1 of deduplication: normalise the fields that the later stages compare.

Each field is normalised by a small function of one value, applied once per *distinct*
value of the column (``pandas.factorize``): exports repeat journals, years, volumes, pages
and author lists many times, so a million records cost far fewer than a million calls. The
functions use precompiled regular expressions only, a few microseconds per value.

The input frame is not changed; :func:`prepare` returns a new frame holding the input
columns plus the normalised ones, each prefixed with ``n_``, and flags saying what kind of
document a record is (preprint, erratum or retraction notice, part of a series).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

import numpy as np
import pandas as pd

from reviewlib.records import fields as F
from reviewlib.records.authors import family_key
from reviewlib.records.doi import normalize_doi as _normalize_doi
from reviewlib.records.title import fold

#: Bibliographic columns the engine reads; a missing column is treated as all-empty.
INPUT_COLUMNS = [F.ID, F.ENTRYTYPE, F.TITLE, F.AUTHOR, F.YEAR, F.JOURNAL, F.VOLUME,
                 F.NUMBER, F.PAGES, F.DOI, F.ABSTRACT, F.URL, F.SOURCE]

# -- text folding ------------------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+")


def apply_unique(values: pd.Series, func: Callable[[str], object]) -> np.ndarray:
    """``func`` applied to every distinct value of ``values``, spread back to all rows."""
    codes, uniques = pd.factorize(values.astype(str), use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(u) for u in np.asarray(uniques, dtype=object).tolist()]
    return mapped[codes] if len(values) else np.empty(0, dtype=object)


def fold_text(values: pd.Series) -> pd.Series:
    """:func:`fold` over a column (once per distinct value)."""
    return pd.Series(apply_unique(values, fold), index=values.index, dtype=object).astype(str)


# -- DOI ---------------------------------------------------------------------------------

def doi_key(value: str) -> str:
    """Bare lower-case DOI ("10.x/y"), or "" when the value holds none.

    This is :func:`reviewlib.records.normalize_doi` (one DOI normaliser for the whole
    package: URL and ``doi:`` prefixes, percent-encoding and trailing punctuation go, a final
    ")" only when unbalanced), with a fast exit for values that cannot hold a DOI.
    """
    if not value or "10." not in value and "10%2" not in value.lower():
        return ""
    return _normalize_doi(value)


def normalize_doi(values: pd.Series) -> pd.Series:
    """:func:`doi_key` over a column."""
    return pd.Series(apply_unique(values, doi_key), index=values.index, dtype=object).astype(str)


# -- authors -----------------------------------------------------------------------------

def family_names(authors: pd.Series) -> pd.Series:
    """:func:`family_key` over a column."""
    return pd.Series(apply_unique(authors, family_key), index=authors.index, dtype=object).astype(str)


# -- year, volume, pages ------------------------------------------------------------------

_YEAR = re.compile(r"(?<!\d)((?:1[5-9]|20)\d\d)(?!\d)")
_DIGITS = re.compile(r"\d+")
_FIRST_ANY = re.compile(r"([a-z]?)0*(\d+)")
_FIRST_RANGE = re.compile(r"([a-z]?)0*(\d+)\s*(?:-+|\u2013|\u2014|\s)\s*[a-z]?\d+")
_ROMAN = re.compile(r"^([ivxlc]+)\b")
_LAST = re.compile(r"[-\u2013\u2014]+\s*[A-Za-z]?0*(\d+)\s*\W*$")


def year_of(value: str) -> int:
    """The first plausible four-digit year (1500-2099) in ``value``; 0 when none."""
    m = _YEAR.search(value)
    return int(m.group(1)) if m else 0


def digits_of(value: str) -> str:
    """First run of digits without leading zeros ("Vol. 06" -> "6"); "" when none."""
    m = _DIGITS.search(value)
    return m.group(0).lstrip("0") if m else ""


def first_page_of(value: str) -> str:
    """First page or article number: "288-297" -> "288", "e0123" -> "e123", "iii-xi" -> "iii".

    A range wins over a lone number before it ("2, pp. 524-532" gives 524); a value without
    digits that starts with a Roman numeral gives that numeral (front matter).
    """
    low = value.lower().strip()
    m = _FIRST_RANGE.search(low) or _FIRST_ANY.search(low)
    if m:
        return m.group(1) + m.group(2)
    r = _ROMAN.match(low)
    return r.group(1) if r else ""


def last_page_of(value: str) -> str:
    """Digits of the last page ("288-297" -> "297"; abbreviated "125-8" -> "8"); "" if none."""
    m = _LAST.search(value)
    return m.group(1) if m else ""


# -- titles ------------------------------------------------------------------------------

#: Bracketed notes that databases append to titles; never part of the title itself.
_NOTE = re.compile(r"^(?:review|abstract|english abstract|provisional abstract|article|editorial|letter|"
                   r"comment|see |erratum|errata|corrected|published|retracted|\d+ refs?|careers?|"
                   r"in press|epub)")
_TRAILING_BRACKET = re.compile(r"^(?P<head>.*\S)\s*(?:\[(?P<sq>[^\[\]]*)\]|\((?P<rd>[^()]*)\))\s*[.*]*$")
_CUT_BRACKET = re.compile(r"^(?P<head>.*\S)\s*\[(?P<inner>[^\[\]]*)$")
_THOUSANDS = re.compile(r"(?<=\d)[ ,\u2009\u202f](?=\d{3}\b)")

#: Titles (lower case, punctuation kept) of notices about another article: never the same
#: work as that article. "Correction" counts only as a heading ("Correction: ...",
#: "Correction to ...", "Correction notice"), not as a topic ("Correction of myopia").
_NOTICES = [
    ("retraction", re.compile(r"^\W*(?:notice of retraction|retracted\b|(?:retraction|withdrawn)"
                              r"(?:\s*(?:[:\-\u2013]|note\b|notice\b|of\b|$)))")),
    ("erratum", re.compile(r"^\W*(?:errat(?:um|a)|corrigend(?:um|a)\b|(?:author |publisher |editorial )?"
                           r"correction(?:\s*(?:[:\-\u2013]|to\b|notice\b|$)))")),
    ("concern", re.compile(r"^\W*(?:editorial )?expression of concern\b")),
]
#: "Part I", "Part 2", "part two" ... in a folded title.
_PART = re.compile(r"\bpart (i{1,3}|iv|vi{0,3}|ix|x|\d+|one|two|three|four|five|a|b|c)\b")
_PART_NORMAL = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7",
                "viii": "8", "ix": "9", "x": "10", "one": "1", "two": "2", "three": "3",
                "four": "4", "five": "5", "a": "1", "b": "2", "c": "3"}


def split_title(title: str) -> tuple[str, str, bool]:
    """Separate a title from the bracketed notes databases append to it.

    Up to three trailing segments in square or round brackets are examined: notes such as
    "[Review] [45 refs]", "(Provisional abstract)" or "[Erratum appears in ...]" (also when
    cut off by a length limit) are dropped; a bracket of four or more words that is not a
    note is taken as an alternative title (usually the original-language title given with a
    translation); other brackets stay. "[Retracted]" marks a retraction.

    Returns
    -------
    main, alternative, retracted : str, str, bool

    Examples
    --------
    >>> split_title("Update on HPV. [Review] [33 refs]")
    ('Update on HPV.', '', False)
    """
    main, alt, retracted = title.strip(), "", False
    if "[" in main:
        cut = _CUT_BRACKET.match(main)
        if cut and _NOTE.match(cut.group("inner").strip().lower()):
            main = cut.group("head")
    for _ in range(3):
        if main.rstrip(" .*")[-1:] not in (")", "]"):
            break
        m = _TRAILING_BRACKET.match(main)
        if not m or len(m.group("head")) < 10:
            break
        inner = (m.group("sq") if m.group("sq") is not None else m.group("rd")).strip()
        lower = inner.lower()
        retracted = retracted or "retract" in lower
        if _NOTE.match(lower):
            main = m.group("head")
        elif len(inner.split()) >= 4 and not alt:
            alt, main = inner, m.group("head")
        else:
            break
    return main, alt, retracted


def title_features(title: str) -> tuple[str, str, str, str, str]:
    """Folded main title, folded alternative title, numbers, part and notice kind of a title."""
    main, alt, retracted = split_title(title)
    folded = fold(_THOUSANDS.sub("", main))
    numbers = " ".join(sorted({x.lstrip("0") or "0" for x in _DIGITS.findall(folded)}))
    part = _PART.search(fold(title)) if "part" in title.lower() else None
    heading = main.lower()
    notice = next((kind for kind, pattern in _NOTICES if pattern.search(heading)), "")
    if retracted and not notice:
        notice = "retraction"
    return folded, fold(alt), numbers, _PART_NORMAL.get(part.group(1), part.group(1)) if part else "", notice


# -- containers --------------------------------------------------------------------------

#: Small words that carry no identity in journal names ("Journal of the ...").
_JOURNAL_STOPWORDS = {"the", "of", "and", "for", "in", "on", "an", "a", "de", "des", "du", "la",
                      "le", "der", "die", "das", "und", "fur", "y", "et"}
#: Preprint servers and working-paper series, by name of the container.
_PREPRINT_VENUE = re.compile(r"\b(?:arxiv|biorxiv|medrxiv|psyarxiv|socarxiv|edarxiv|chemrxiv|techrxiv|"
                             r"eartharxiv|ssrn|preprints?|research square|researchsquare|authorea|osf|"
                             r"zenodo|working papers?|nber|repec|econstor|qeios)\b")
#: DOI prefixes registered by preprint servers (arXiv 10.48550, bioRxiv/medRxiv 10.1101 with
#: a date or a bare number, SSRN 10.2139, Preprints.org 10.20944, Research Square 10.21203,
#: OSF-hosted servers 10.31219/10.31234/10.31235/10.35542, TechRxiv 10.36227, ChemRxiv
#: 10.26434, Authorea 10.22541, Zenodo 10.5281, Qeios 10.32388).
_PREPRINT_DOI = re.compile(r"^(?:10\.48550/|10\.1101/(?:\d{4}\.\d{2}\.\d{2}\.)?\d{5,}|10\.2139/ssrn|"
                           r"10\.20944/preprints|10\.21203/rs|10\.3123[459]/|10\.35542/|10\.36227/|"
                           r"10\.26434/chemrxiv|10\.22541/au|10\.5281/zenodo|10\.32388/)")


def journal_key(journal: str) -> str:
    """Folded container name without small words ("The Journal of X" -> "journal x")."""
    return " ".join(w for w in fold(journal).split() if w not in _JOURNAL_STOPWORDS)


def is_preprint_venue(venue: str) -> bool:
    """Whether a container name (or entry type) names a preprint server or working paper."""
    return bool(_PREPRINT_VENUE.search(fold(venue)))


def _column(df: pd.DataFrame, name: str, func: Callable[[str], object]) -> np.ndarray:
    return apply_unique(df[name], func)


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort records by id and add normalised comparison columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        Records with string columns named as in :mod:`reviewlib.records.fields`
        ("" for missing). Only ``id`` is required; ids must be unique.

    Returns
    -------
    pandas.DataFrame
        A new frame, sorted by id with a fresh 0..n-1 index, with the input columns plus:
        ``n_title`` (folded, bracketed notes removed), ``n_title_alt`` (folded alternative
        title), ``n_title_key`` (folded without spaces), ``n_title_len``, ``n_title_head`` (code of the first 15
        characters), ``n_title_numbers``
        (numbers in the title), ``n_part`` ("Part II" -> "2"), ``n_notice`` (erratum /
        retraction / concern / ""), ``n_authors`` (family-name keys), ``n_first_author``,
        ``n_author_count``, ``n_year`` (int, 0 when missing), ``n_journal``, ``n_volume``,
        ``n_number``, ``n_page`` (first page), ``n_page_last``, ``n_doi`` (from the DOI
        field, else from a doi.org URL), ``n_doi_key`` (the DOI's letters and digits only)
        and ``n_preprint`` (bool).
    """
    if F.ID not in frame.columns:
        raise KeyError("records need an 'id' column")
    columns = list(frame.columns) + [c for c in INPUT_COLUMNS if c not in frame.columns]
    df = pd.DataFrame({c: (frame[c].fillna("").astype(str) if c in frame.columns else "")
                       for c in columns}, index=frame.index)
    df = df.sort_values(F.ID, kind="stable").reset_index(drop=True)
    n = len(df)

    t = _column(df, F.TITLE, title_features)
    parts = list(zip(*t)) if n else [()] * 5
    df["n_title"] = np.array(parts[0], dtype=object).astype(str) if n else ""
    df["n_title_alt"] = np.array(parts[1], dtype=object).astype(str) if n else ""
    df["n_title_numbers"] = np.array(parts[2], dtype=object).astype(str) if n else ""
    df["n_part"] = np.array(parts[3], dtype=object).astype(str) if n else ""
    df["n_notice"] = np.array(parts[4], dtype=object).astype(str) if n else ""
    df["n_title_key"] = df["n_title"].str.replace(" ", "", regex=False)
    df["n_title_len"] = df["n_title_key"].str.len().astype(np.int32)
    df["n_title_head"] = pd.factorize(df["n_title"].str.slice(0, 15))[0].astype(np.int32)

    names = family_names(df[F.AUTHOR])
    df["n_authors"] = names
    df["n_first_author"] = names.str.split(" ", n=1).str[0].fillna("")
    df["n_author_count"] = (names.str.count(" ") + 1).where(names != "", 0).astype(np.int32)

    df["n_year"] = _column(df, F.YEAR, year_of).astype(np.int32)
    df["n_journal"] = _column(df, F.JOURNAL, journal_key).astype(str)
    df["n_volume"] = _column(df, F.VOLUME, digits_of).astype(str)
    df["n_number"] = _column(df, F.NUMBER, digits_of).astype(str)
    df["n_page"] = _column(df, F.PAGES, first_page_of).astype(str)
    df["n_page_last"] = _column(df, F.PAGES, last_page_of).astype(str)
    doi = _column(df, F.DOI, doi_key).astype(str)
    url = _column(df, F.URL, lambda u: doi_key(u) if "doi" in u.lower() else "").astype(str)
    df["n_doi"] = np.where(doi != "", doi, url)
    # matching key: a DOI printed with a dropped or extra hyphen, dot or slash is the same DOI
    df["n_doi_key"] = df["n_doi"].str.replace(r"[^0-9a-z]+", "", regex=True)

    venue = _column(df, F.JOURNAL, is_preprint_venue).astype(bool) | _column(df, F.ENTRYTYPE, is_preprint_venue).astype(bool)
    preprint_doi = np.array([bool(_PREPRINT_DOI.match(d)) if d else False for d in df["n_doi"]], dtype=bool)
    df["n_preprint"] = venue | preprint_doi
    return df
