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
from reviewlib.records.authors import family_key, family_keys
from reviewlib.records.doi import normalize_doi as _normalize_doi
from reviewlib.records.title import fold

#: Bibliographic columns the engine reads; a missing column is treated as all-empty.
INPUT_COLUMNS = [F.ID, F.ENTRYTYPE, F.TITLE, F.AUTHOR, F.YEAR, F.JOURNAL, F.VOLUME,
                 F.NUMBER, F.PAGES, F.DOI, F.ABSTRACT, F.URL, F.SOURCE]

# -- text folding ------------------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+")


def map_unique(values: pd.Series, batch: Callable[[list[str]], list]) -> np.ndarray:
    """``batch`` applied to the list of distinct values of ``values``, spread back to all
    rows (``batch`` returns one result per value, in order)."""
    codes, uniques = pd.factorize(values.astype(str), use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = batch(np.asarray(uniques, dtype=object).tolist())
    return mapped[codes] if len(values) else np.empty(0, dtype=object)


def apply_unique(values: pd.Series, func: Callable[[str], object]) -> np.ndarray:
    """``func`` applied to every distinct value of ``values``, spread back to all rows."""
    return map_unique(values, lambda uniques: [func(u) for u in uniques])


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
    """:func:`family_key` over a column (:func:`family_keys`: a recurring name is parsed once)."""
    return pd.Series(map_unique(authors, family_keys), index=authors.index, dtype=object).astype(str)


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

#: Bracketed notes that databases append to titles; never part of the title itself (a
#: computer-science library marks the kind of a conference item: "(Tutorial)", "(Panel)").
_NOTE = re.compile(r"^(?:review|abstract|english abstract|provisional abstract|article|editorial|letter|"
                   r"comment|see |erratum|errata|corrected|published|retracted|\d+ refs?|careers?|"
                   r"in press|epub|(?:tutorial|panel|demo|demonstration|extended abstract|invited talk|"
                   r"keynote|poster|short paper)\W*$)")
_TRAILING_BRACKET = re.compile(r"^(?P<head>.*\S)\s*(?:\[(?P<sq>[^\[\]]*)\]|\((?P<rd>[^()]*)\))\s*[.*]*$")
_CUT_BRACKET = re.compile(r"^(?P<head>.*\S)\s*\[(?P<inner>[^\[\]]*)$")
_THOUSANDS = re.compile(r"(?<=\d)[ ,\u2009\u202f](?=\d{3}\b)")
_ANY_DIGIT = re.compile(r"\d")

#: Titles (lower case, punctuation kept) of notices about another article: never the same
#: work as that article. "Correction" counts only as a heading ("Correction: ...",
#: "Correction to ...", "Correction notice"), not as a topic ("Correction of myopia"); a
#: reply or comment only as a heading too ("Reply to ...", "Authors' reply", "Re: ...",
#: "Comment on ..."), not "Response to treatment".
_NOTICES = [
    ("retraction", re.compile(r"^\W*(?:notice of retraction|retracted\b|(?:retraction|withdrawn)"
                              r"(?:\s*(?:[:\-\u2013]|note\b|notice\b|of\b|$)))")),
    ("erratum", re.compile(r"^\W*(?:errat(?:um|a)|corrigend(?:um|a)\b|(?:author |publisher |editorial )?"
                           r"correction(?:\s*(?:[:\-\u2013]|to\b|notice\b|$)))")),
    ("concern", re.compile(r"^\W*(?:editorial )?expression of concern\b")),
    ("reply", re.compile(r"^\W*(?:(?:the )?authors?['\u2019]?s?['\u2019]? (?:reply|response)\b|in reply\b|"
                         r"reply(?:\s*(?:[:\-\u2013]|to\b|$))|response(?:\s*(?:[:\-\u2013]|$)|"
                         r"\s+to\s+(?:the\s+)?(?:letter|comments?|commentary|editorial|correspondence)\b))")),
    ("comment", re.compile(r"^\W*(?:re\s*:|comments?\s+on\b|commentary\s+on\b|comment\s*[:\-\u2013])")),
]
#: The heading of a notice, removed so that the rest can be compared with the article it is
#: about ("Erratum: Effects of X" -> "Effects of X").
_NOTICE_HEAD = re.compile(
    r"^\W*(?:notice of retraction|retraction notes?|retraction notice|retraction|retracted(?: article)?|"
    r"withdrawn|errat(?:um|a)|corrigend(?:um|a)|(?:author |publisher |editorial )?correction(?: notice)?|"
    r"(?:editorial )?expression of concern|(?:the )?authors?['\u2019]?s?['\u2019]? (?:reply|response)|in reply|"
    r"reply|response|re|comments?|commentary)\b[\s:\-\u2013.]*"
    r"(?:(?:to|on|of|for|about|regarding|re)\b[\s:]*)?(?:(?:the|a|an)\s+)?"
    r"(?:(?:article|paper|letter|comment|commentary|editorial)\b[\s:,]*)?")
#: Web of Science titles an erratum by the article's title and where the article appeared:
#: "Effects of X (vol 85, pg 553, 2010)".
_WOS_ERRATUM = re.compile(r"\s*[(\[]\s*vol\.?\s*\w+\s*,\s*(?:pg|p|pp)\.?\s*\w+[^()\[\]]*[)\]]\s*[.]?\s*$",
                          re.IGNORECASE)
#: Recurring column titles: many different works of one journal carry them (an editorial
#: in every issue), so such a title says nothing about which work a record is.
_COLUMN_TITLE = re.compile(
    r"^(?:the )?(?:(?:guest |invited )?editorials?|editor s (?:notes?|note|introduction|corner|message|comments?)|"
    r"editors (?:notes?|introduction|corner|message|comments?)|(?:a )?(?:letter|message|note|word)s? from the "
    r"(?:editors?|chairs?|president|guest editors?)|from the (?:editors?|chairs?|president)( desk)?|"
    r"chair s (?:message|letter|column|report)|president s (?:message|letter|column|report)|introduction|"
    r"preface|foreword|prologue|epilogue|(?:in )?reply|response|authors? reply|book reviews?(?: column)?|"
    r"reviews?|erratum|errata|corrigendum|correction|letters?(?: to the editors?)?|comments?|commentary|"
    r"news(?: and views)?|announcements?|acknowledge?ments?|(?:thanks to |list of )?reviewers|in this issue|"
    r"index|contents|table of contents|obituary|in memoriam|call for papers|highlights|abstracts|"
    r"conference (?:report|calendar)|calendar|reader s forum|correspondence|viewpoint|perspective|"
    r"summary|overview|welcome|opening remarks|keynote|panel|poster session|discussion|untitled|"
    r"column|report|update|[a-z]+ column)(?: [ivx\d]+)*$")


def is_column_title(folded: str) -> bool:
    """Whether a folded title is a recurring column title ("editor s notes", "book review
    column", "chair s message", "editorial"): different works of a journal share it."""
    return bool(_COLUMN_TITLE.match(folded))


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


#: Number words that one export spells out where another prints digits ("fourth" / "4th",
#: "two-year" / "2-year"). "One" and "first" are left out: too often not a number at all.
NUMBER_WORDS = {w: str(k) for k, w in enumerate(
    ["", "", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]) if w}
NUMBER_WORDS.update({w: str(k) for k, w in enumerate(
    ["", "", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
     "twelfth"]) if w})
_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b")


def title_features(title: str) -> tuple[str, str, str, str, str]:
    """Folded main title, folded alternative title, numbers, part and notice kind of a title.

    The heading of a notice ("Erratum: ", "Reply to ", "Re: ") and Web of Science's erratum
    suffix ("(vol 85, pg 553, 2010)") are removed from the folded title, so that the notice
    compares with the article it is about; the notice kind keeps them apart.
    """
    wos = _WOS_ERRATUM.search(title) if "vol" in title.lower() else None
    if wos and wos.start() >= 10:
        title = title[:wos.start()]
    main, alt, retracted = split_title(title)
    heading = main.lower()
    # every pattern of _NOTICES starts with "^": match finds what search would, sooner
    notice = next((kind for kind, pattern in _NOTICES if pattern.match(heading)), "")
    if wos and not notice:
        notice = "erratum"
    if notice:
        rest = _NOTICE_HEAD.sub("", heading, count=1).strip(" \"'\u201c\u201d")
        if len(rest) >= 10:
            main = rest
    folded = fold(_THOUSANDS.sub("", main) if _ANY_DIGIT.search(main) else main)
    numbers = {x.lstrip("0") or "0" for x in _DIGITS.findall(folded)}
    if _NUMBER_WORD.search(folded):
        numbers |= {NUMBER_WORDS[w] for w in _NUMBER_WORD.findall(folded)}
    numbers = " ".join(sorted(numbers))
    part = _PART.search(fold(title)) if "part" in title.lower() else None
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


#: Words of a conference or society name that vary between exports of one venue
#: ("Proc. of the 31st ACM SIGMOD Int. Conf. on ..." against "SIGMOD Conference").
_VENUE_WORDS = {"proc", "proceedings", "conference", "conf", "international", "intl", "int", "annual",
                "acm", "ieee", "first", "second", "third", "fourth", "fifth"}
#: Society or publisher names that some exports put before a container name and others omit.
_PUBLISHER_WORDS = {"acm", "ieee", "siam", "aaai", "usenix"}
_MEETING_WORDS = {"proc", "proceedings", "conference", "conf", "symposium", "workshop"}
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)?$")
#: Long names of venues that exports often give by acronym only, as folded by
#: :func:`journal_key`; both spellings map to the acronym. Weak evidence: a container
#: name never decides a pair alone.
VENUE_ALIASES = {
    "management data": "sigmod", "sigmod management data": "sigmod", "sigmod conference": "sigmod",
    "sigmod": "sigmod", "very large data bases": "vldb", "very large databases": "vldb",
    "data engineering": "icde", "knowledge discovery data mining": "kdd", "sigkdd knowledge discovery data mining": "kdd",
    "machine learning": "icml", "principles database systems": "pods",
    "sigmod sigact sigart symposium principles database systems": "pods",
    "database theory": "icdt", "extending database technology": "edbt",
    "information knowledge management": "cikm", "research development information retrieval": "sigir",
    "sigir research development information retrieval": "sigir", "world wide web": "www",
    "artificial intelligence": "ijcai", "joint artificial intelligence": "ijcai",
    "neural information processing systems": "nips", "advances neural information processing systems": "nips",
    "computer vision pattern recognition": "cvpr", "human factors computing systems": "chi",
    "sigchi human factors computing systems": "chi",
}


def journal_key(journal: str) -> str:
    """Folded container name without small words ("The Journal of X" -> "journal x").

    A leading society name (ACM, IEEE) is dropped. Conference names also lose the words
    that vary between exports (proceedings,
    international, conference, ACM, IEEE, ordinals and years), and a few long conference
    names fold to their acronym (:data:`VENUE_ALIASES`): "International Conference on Management
    of Data" and "SIGMOD Conference" both give "sigmod".
    """
    words = [w for w in fold(journal).split() if w not in _JOURNAL_STOPWORDS]
    while len(words) > 1 and words[0] in _PUBLISHER_WORDS:
        words = words[1:]          # "ACM SIGMOD Record" and "SIGMOD Record"
    if not _MEETING_WORDS.intersection(words):
        return " ".join(words)
    key = " ".join(w for w in words if w not in _VENUE_WORDS and not _ORDINAL.match(w)) or " ".join(words)
    return VENUE_ALIASES.get(key, key)


def is_preprint_venue(venue: str) -> bool:
    """Whether a container name (or entry type) names a preprint server or working paper."""
    return bool(_PREPRINT_VENUE.search(fold(venue)))


#: A title of at most this many words that one container prints in two volumes, or in years
#: more than one apart, recurs in the input (see :func:`generic_titles`).
RECURRING_TITLE_WORDS = 5


_SEGMENTS = re.compile(r"\s+[-\u2013\u2014|/]+\s+|[:;.]\s+")


#: Column titles are short: longer segments are not tested.
COLUMN_TITLE_WORDS = 8


#: A character without which :data:`_SEGMENTS` cannot split a title.
_SEGMENT_MARK = re.compile(r"[-\u2013\u2014|/:;.]")


def has_column_title(title: str) -> bool:
    """Whether a title, or one of its segments ("Remarks from the Editor - Editor's
    Comments", "Editorial: ..."), is a recurring column title."""
    segments = _SEGMENTS.split(title) if _SEGMENT_MARK.search(title) else (title,)
    return any(is_column_title(fold(seg)) for seg in segments
               if seg.strip() and seg.count(" ") < COLUMN_TITLE_WORDS)


def _spread(key: np.ndarray, n_keys: int, value: pd.Series, at_least: int, apart: bool = False) -> np.ndarray:
    """Flag per key code (``key``: codes 0..n_keys-1 of the records): the key's records
    spread over at least ``at_least`` distinct non-empty values (years: some more than one
    apart), none of which holds more than half of them. A much-cited work whose exports
    garble the volume keeps one dominant value; a column has none."""
    ok = (value != "").to_numpy()
    good = np.zeros(n_keys, dtype=bool)
    if not ok.any():
        return good
    k = key[ok].astype(np.int64)
    v, uniques = pd.factorize(value[ok])
    pair, count = np.unique(k * len(uniques) + v, return_counts=True)
    owner = pair // len(uniques)
    distinct = np.bincount(owner, minlength=n_keys)
    total = np.bincount(owner, weights=count, minlength=n_keys)
    top = np.zeros(n_keys, dtype=np.int64)
    np.maximum.at(top, owner, count)
    good = (distinct >= at_least) & (top * 2 <= total)
    if apart:
        years = value[ok].astype(int).to_numpy()
        low = np.full(n_keys, years.max())
        high = np.full(n_keys, years.min())
        np.minimum.at(low, k, years)
        np.maximum.at(high, k, years)
        good &= high - low > 1
    return good


def generic_titles(prep: pd.DataFrame) -> np.ndarray:
    """Flag per record: its title alone cannot identify a work.

    A title is generic when it is, or has a segment that is, a recurring column title
    (:func:`has_column_title`), or when it recurs in the input: one container prints it in
    three or more different volumes or issues, or, for a short title (at most
    :data:`RECURRING_TITLE_WORDS` words), in two volumes or in years more than one apart;
    in each case without one volume, issue or year holding most of the records (see
    :func:`_spread`); or when a short title has more records in one container and year than
    a work of the input usually has copies (:func:`usual_copies`: a column printed in
    several issues of one year), in an input without volumes, issues or pages
    (:data:`PLACELESS_SHARE`), where nothing else can tell such records apart.
    """
    title = prep["n_title"]
    column = apply_unique(prep[F.TITLE], has_column_title).astype(bool)
    placed = (title != "") & (prep["n_journal"] != "")
    if not placed.any():
        return column
    sub = prep.loc[placed, ["n_title_key", "n_journal", "n_volume", "n_number", "n_year"]]
    # one code per (title, container)
    t_code, t_uniques = pd.factorize(sub["n_title_key"])
    j_code, j_uniques = pd.factorize(sub["n_journal"])
    key, keys = pd.factorize(t_code.astype(np.int64) * len(j_uniques) + j_code)
    n_keys = len(keys)
    short = ((sub["n_title_key"].str.len() > 0) & (prep.loc[placed, "n_title"].str.count(" ") + 1 <= RECURRING_TITLE_WORDS)).to_numpy()
    spot = (sub["n_volume"] + "/" + sub["n_number"]).where((sub["n_volume"] != "") | (sub["n_number"] != ""), "")
    recurring = _spread(key, n_keys, spot, 3)
    short_recurring = (_spread(key, n_keys, sub["n_volume"], 2)
                       | _spread(key, n_keys, sub["n_year"].astype(str).where(sub["n_year"] > 0, ""), 2, apart=True))
    # more records of one short title in one container and year than one work has copies
    year_key = pd.factorize(key.astype(np.int64) * 4096 + sub["n_year"].to_numpy(np.int64) % 4096)[0]
    per_year = np.bincount(year_key)[year_key]
    crowded = np.zeros(len(sub), dtype=bool)
    if ((prep["n_volume"] != "") | (prep["n_number"] != "") | (prep["n_page"] != "")).mean() < PLACELESS_SHARE:
        crowded = short & (sub["n_year"].to_numpy() > 0) & (per_year > usual_copies(prep))
    flag = np.zeros(len(prep), dtype=bool)
    flag[np.flatnonzero(placed.to_numpy())] = recurring[key] | (short & short_recurring[key]) | crowded
    return column | flag


#: An input where fewer than this share of the records has a volume, an issue or pages has
#: no place in the literature to tell recurring titles apart (a library listing only venue
#: and year): there a short title is generic when it is crowded (:func:`generic_titles`).
PLACELESS_SHARE = 0.05
#: Titles of at least this many characters (folded, without spaces) identify a work well
#: enough to count its copies (:func:`usual_copies`).
COPY_TITLE_CHARS = 30


def usual_copies(prep: pd.DataFrame) -> int:
    """How many records one work usually has in this input: the 95th percentile of the sizes
    of the groups of two or more records sharing a long title and the same family names (at
    least 2). Exports of four databases give about 4; two libraries matched, 2."""
    ok = ((prep["n_title_len"] >= COPY_TITLE_CHARS) & (prep["n_authors_sorted"] != "")).to_numpy()
    if ok.sum() < 2:
        return 2
    codes = pd.factorize(prep["n_title_key"].to_numpy()[ok] + "|" + prep["n_authors_sorted"].to_numpy()[ok].astype(str))[0]
    sizes = np.bincount(codes)
    sizes = sizes[sizes >= 2]
    return max(2, int(np.ceil(np.quantile(sizes, 0.95)))) if len(sizes) else 2


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
        ``n_preprint`` (bool), ``n_authors_sorted`` (the family names in alphabetical
        order: author lists compared as sets) and ``n_generic`` (the title alone cannot
        identify a work, :func:`generic_titles`).
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
    df["n_first_author"] = pd.Series(map_unique(names, lambda keys: [k.split(" ", 1)[0] for k in keys]),
                                     index=df.index, dtype=object)
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

    df["n_authors_sorted"] = apply_unique(names, lambda x: " ".join(sorted(x.split()))).astype(str)
    df["n_generic"] = generic_titles(df)

    venue = _column(df, F.JOURNAL, is_preprint_venue).astype(bool) | _column(df, F.ENTRYTYPE, is_preprint_venue).astype(bool)
    preprint_doi = apply_unique(df["n_doi"], lambda d: bool(d) and bool(_PREPRINT_DOI.match(d))).astype(bool)
    df["n_preprint"] = venue | preprint_doi
    return df
