"""Stage 1 of deduplication: normalise the fields that the later stages compare.

Every operation here works on whole columns (pandas string methods, numpy), never on one
record at a time, so that a million records are prepared in seconds. The input frame is not
changed; :func:`prepare` returns a new frame that holds the original columns plus the
normalised ones, each prefixed with ``n_``, and flags describing what kind of document a
record is (preprint, erratum, retraction, part of a series).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from reviewlib.records import fields as F
from reviewlib.records import normalize_doi as _normalize_doi
from reviewlib.records import parse_authors, title_key

#: Bibliographic columns the engine reads; a missing column is treated as all-empty.
INPUT_COLUMNS = [F.ID, F.ENTRYTYPE, F.TITLE, F.AUTHOR, F.YEAR, F.JOURNAL, F.VOLUME,
                 F.NUMBER, F.PAGES, F.DOI, F.ABSTRACT, F.URL, F.SOURCE]

#: Small words that carry no identity in journal names ("Journal of the ...").
_JOURNAL_STOPWORDS = r"\b(?:the|of|and|for|in|on|an|a|de|des|du|la|le|der|die|das|und|fur|y|et)\b"

#: Preprint servers and working-paper series, by name of the container.
_PREPRINT_VENUE = (r"\b(?:arxiv|biorxiv|medrxiv|psyarxiv|socarxiv|edarxiv|chemrxiv|techrxiv|"
                   r"eartharxiv|ssrn|preprints?|research square|researchsquare|authorea|osf|"
                   r"zenodo|working papers?|nber|repec|econstor|qeios)\b")
#: DOI prefixes registered by preprint servers (arXiv 10.48550, bioRxiv/medRxiv 10.1101 with
#: a date or a bare number, SSRN 10.2139, Preprints.org 10.20944, Research Square 10.21203,
#: OSF-hosted servers 10.31219/10.31234/10.31235/10.35542, TechRxiv 10.36227, ChemRxiv
#: 10.26434, Authorea 10.22541, Zenodo 10.5281, Qeios 10.32388).
_PREPRINT_DOI = (r"^(?:10\.48550/|10\.1101/(?:\d{4}\.\d{2}\.\d{2}\.)?\d{5,}|10\.2139/ssrn|"
                 r"10\.20944/preprints|10\.21203/rs|10\.3123[459]/|10\.35542/|10\.36227/|"
                 r"10\.26434/chemrxiv|10\.22541/au|10\.5281/zenodo|10\.32388/)")

#: Folded titles of notices about another article: never the same work as that article.
_NOTICE_FOLDED = [
    ("retraction", r"^(?:notice of retraction|retraction|retracted|withdrawn|withdrawal)\b"),
    ("erratum", r"^(?:errat(?:um|a)|corrigend(?:um|a)|(?:author |publisher |editorial )?correction(?: to| notice)?(?: |$))"),
    ("concern", r"^(?:editorial )?expression of concern\b"),
]

#: "Part I", "Part 2", "part two" ... in a folded title.
_PART = r"\bpart (i{1,3}|iv|vi{0,3}|ix|x|\d+|one|two|three|four|five|a|b|c)\b"
_PART_NORMAL = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7",
                "viii": "8", "ix": "9", "x": "10", "one": "1", "two": "2", "three": "3",
                "four": "4", "five": "5", "a": "1", "b": "2", "c": "3"}

#: Generational suffixes written after the family name ("Wright Jr., T C").
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_ET_AL = {"others", "et al", "et al.", "etal"}

#: A name particle that is not the family name itself (van der Berg -> berg).
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "la", "le", "du",
              "dos", "das", "do", "ter", "ten", "bin", "ibn", "al", "el", "mc", "st"}


def _by_unique(values: pd.Series, func) -> pd.Series:
    """Apply a per-value normaliser once per distinct value (exports repeat values a lot)."""
    codes, uniques = pd.factorize(values.astype(str))
    if len(uniques) == 0:
        return pd.Series([""] * len(values), index=values.index, dtype=object).astype(str)
    mapped = np.array([func(u) for u in uniques], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object).astype(str)


def fold_text(values: pd.Series) -> pd.Series:
    """Titles (or other text) folded for matching by :func:`reviewlib.records.title_key`.

    Markup, accents, case and punctuation are removed; words stay separated by single
    spaces. Each distinct value is folded once.
    """
    return _by_unique(values, title_key)


def normalize_doi(values: pd.Series) -> pd.Series:
    """Bare lower-case DOIs (:func:`reviewlib.records.normalize_doi`), "" when none."""
    return _by_unique(values, _normalize_doi)


def _family_key(family: str) -> str:
    """Matching key of one family name: the last word that is not a particle or suffix,
    letters and digits only ("van der Berg" -> "berg", "Malamou-Mitsi" -> "malamoumitsi")."""
    words = title_key(re.sub(r"[-\u2010\u2011']", "", family)).split()
    words = [w for w in words if w not in _PARTICLES and w not in _SUFFIXES] or words
    return words[-1] if words else ""


def _family_names(author: str) -> str:
    """Space-joined family-name keys of an author string, parsed by
    :func:`reviewlib.records.parse_authors` (one call per distinct string)."""
    try:
        people = parse_authors(author)
    except ValueError:
        return ""
    keys = (_family_key(p.family) for p in people if p.family.lower() not in _ET_AL)
    return " ".join(k for k in keys if k)


def family_names(authors: pd.Series) -> pd.Series:
    """Family-name keys of every author, in order, space-joined (one parse per distinct string)."""
    return _by_unique(authors, _family_names)


def _digits(values: pd.Series) -> pd.Series:
    """First run of digits without leading zeros ("" when none)."""
    s = values.astype(str).str.extract(r"(\d+)", expand=False).fillna("")
    return s.str.lstrip("0")


def first_page(values: pd.Series) -> pd.Series:
    """First page or article number: "288-297" -> "288", "e0123" -> "e123", "iii-xi" -> "iii".

    A string without digits that starts with a Roman numeral gives that numeral (front
    matter such as editorials on pages iii-xi).
    """
    low = values.astype(str).str.lower().str.strip()
    s = low.str.extract(r"([a-z]?)0*(\d+)", expand=True).fillna("")
    # a range wins over a lone number before it ("2, pp. 524-532": volume 2, pages 524-532)
    rng = low.str.extract(r"([a-z]?)0*(\d+)\s*(?:-+|\u2013|\u2014|\s)\s*[a-z]?\d+", expand=True)
    s = s.where(rng[1].isna(), rng.fillna(""))
    roman = low.str.extract(r"^([ivxlc]+)\b", expand=False).fillna("")
    return (s[0] + s[1]).where(s[1] != "", roman)


def last_page(values: pd.Series) -> pd.Series:
    """Digits of the last page ("288-297" -> "297"; abbreviated "125-8" -> "8"); "" if none."""
    s = values.astype(str).str.extract(r"[-\u2013\u2014]+\s*[A-Za-z]?0*(\d+)\s*\W*$", expand=False)
    return s.fillna("")


def split_title(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Separate a title from the bracketed notes databases append to it.

    Trailing segments in square or round brackets are removed from the title (up to three):
    notes such as "[Review] [45 refs]", "(Provisional abstract)", "[Erratum appears in ...]"
    are dropped, a bracket of four or more words that is not such a note is kept as an
    alternative title (usually the original-language title given with a translation), other
    brackets stay in the title, and "[Retracted]" marks the record as a retraction.

    Returns
    -------
    main, alternative, retracted : pandas.Series
        Raw main title, raw alternative title ("" if none) and a boolean flag.
    """
    main = values.astype(str).str.strip()
    alt = pd.Series("", index=values.index, dtype=object).astype(str)
    retracted = pd.Series(False, index=values.index)
    note = r"^(?:review|abstract|english abstract|provisional abstract|article|editorial|letter|comment|see |erratum|errata|corrected|published|retracted|\d+ refs?|careers?|in press|epub)"
    # a note cut off by a length limit: "... .[Erratum appears in Lancet Oncol. 201"
    cut = main.str.extract(r"^(?P<head>.*\S)\s*\[(?P<inner>[^\[\]]*)$", expand=True)
    cut_note = cut["head"].notna() & cut["inner"].fillna("").str.lower().str.contains(note, regex=True)
    main = main.where(~cut_note, cut["head"].fillna(""))
    for _ in range(3):
        m = main.str.extract(r"^(?P<head>.*\S)\s*(?:\[(?P<sq>[^\[\]]*)\]|\((?P<rd>[^()]*)\))\s*[.*]*$", expand=True)
        has = m["head"].notna() & (m["head"].str.len() >= 10)
        inner = m["sq"].fillna(m["rd"]).fillna("").str.strip()
        lower = inner.str.lower()
        is_note = lower.str.contains(note, regex=True)
        retracted |= has & lower.str.contains("retract", regex=False)
        take_alt = has & ~is_note & (inner.str.count(r"\S+") >= 4) & (alt == "")
        alt = alt.where(~take_alt, inner)
        main = main.where(~(has & (is_note | take_alt)), m["head"].fillna(""))
    return main, alt, retracted


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
        ``n_title`` (folded), ``n_title_key`` (folded without spaces), ``n_authors``
        (family names), ``n_first_author``, ``n_author_count``, ``n_year`` (int, 0 when
        missing), ``n_journal`` (folded, small words removed), ``n_volume``, ``n_number``,
        ``n_page`` (first page), ``n_doi``,
        ``n_title_numbers`` (numbers in the title), ``n_part`` ("Part II" -> "2"),
        ``n_notice`` (erratum / retraction / concern / ""), ``n_preprint`` (bool).
    """
    if F.ID not in frame.columns:
        raise KeyError("records need an 'id' column")
    df = pd.DataFrame({c: (frame[c].astype(str) if c in frame.columns else "")
                       for c in frame.columns.union(INPUT_COLUMNS, sort=False)}, index=frame.index)
    df = df.fillna("")
    df = df.sort_values(F.ID, kind="stable").reset_index(drop=True)

    main, alt, retracted = split_title(df[F.TITLE])
    # "10 000 women" and "10,000 women" are one number
    main = main.str.replace(r"(?<=\d)[ ,\u2009\u202f](?=\d{3}\b)", "", regex=True)
    title = fold_text(main)
    df["n_title"] = title
    df["n_title_alt"] = fold_text(alt)
    df["n_title_key"] = title.str.replace(" ", "", regex=False)
    df["n_title_len"] = df["n_title_key"].str.len().astype(np.int32)
    df["n_title_numbers"] = title.str.findall(r"\d+").map(lambda xs: " ".join(sorted(set(x.lstrip("0") or "0" for x in xs)))).astype(str)

    names = family_names(df[F.AUTHOR])
    df["n_authors"] = names
    df["n_first_author"] = names.str.split(" ", n=1).str[0].fillna("")
    df["n_author_count"] = names.str.count(" ").add(1).where(names != "", 0).astype(np.int32)

    year = df[F.YEAR].str.extract(r"(?<!\d)((?:1[5-9]|20)\d\d)(?!\d)", expand=False).fillna("0")
    df["n_year"] = year.astype(np.int32)

    journal = fold_text(df[F.JOURNAL])
    journal = journal.str.replace(_JOURNAL_STOPWORDS, " ", regex=True).str.replace(r" +", " ", regex=True).str.strip()
    df["n_journal"] = journal
    df["n_volume"] = _digits(df[F.VOLUME])
    df["n_number"] = _digits(df[F.NUMBER])
    df["n_page"] = first_page(df[F.PAGES])
    df["n_page_last"] = last_page(df[F.PAGES])
    doi = normalize_doi(df[F.DOI])
    from_url = normalize_doi(df[F.URL].where(df[F.URL].str.contains("doi", case=False, regex=False), ""))
    df["n_doi"] = doi.where(doi != "", from_url)

    part = fold_text(df[F.TITLE]).str.extract(_PART, expand=False).fillna("")
    df["n_part"] = part.map(lambda p: _PART_NORMAL.get(p, p))
    notice = pd.Series("", index=df.index, dtype=object)
    for kind, pattern in reversed(_NOTICE_FOLDED):
        notice = notice.where(~title.str.contains(pattern, regex=True), kind)
    notice = notice.where(~retracted | (notice != ""), "retraction")
    df["n_notice"] = notice.astype(str)
    venue = fold_text(df[F.JOURNAL] + " " + df[F.ENTRYTYPE])
    df["n_preprint"] = (venue.str.contains(_PREPRINT_VENUE, regex=True)
                        | df["n_doi"].str.contains(_PREPRINT_DOI, regex=True)).to_numpy(bool)
    return df
