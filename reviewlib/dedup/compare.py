"""Stage 3 of deduplication: similarity of every candidate pair, field by field.

String similarities are computed by rapidfuzz for all pairs at once
(:func:`rapidfuzz.process.cpdist`, the element-wise counterpart of ``cdist``), in C++ and
on several threads. Categorical fields (year, volume, issue, pages, DOI) become small
integer codes: ``1`` equal, ``-1`` both present and different, ``0`` at least one missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from reviewlib.records import fields as F
from reviewlib.records.authors import LOST_LETTER_MARK, family_names_match
from reviewlib.records.title import fold

#: Field codes.
EQUAL, MISSING, CONFLICT = 1, 0, -1


def _sim(a: np.ndarray, b: np.ndarray, scorer, workers: int) -> np.ndarray:
    """Element-wise similarity in [0, 1]; 0 where either side is empty."""
    if len(a) == 0:
        return np.zeros(0, dtype=np.float32)
    s = process.cpdist(a, b, scorer=scorer, workers=workers, dtype=np.float32) / 100.0
    empty = (a == "") | (b == "")
    s[empty] = 0.0
    return s.astype(np.float32)


def _code(a: np.ndarray, b: np.ndarray, missing: object = "") -> np.ndarray:
    present = (a != missing) & (b != missing)
    return np.where(present, np.where(a == b, EQUAL, CONFLICT), MISSING).astype(np.int8)


def abbreviation_of(short: str, long: str) -> bool:
    """Whether journal name ``short`` abbreviates ``long`` word by word, in order.

    Each word of the abbreviation must start a later word of the full name (ISO 4 style
    abbreviations keep the beginning of each significant word: "j med internet res" for
    "journal medical internet research"), the first word the first word, and at least two
    words must be matched, or a single word must equal a one-word name. Both names are folded
    (see ``prepare``). A name found inside a longer one is not its abbreviation: "very large
    data bases" (a conference) does not abbreviate "vldb journal international journal very
    large data bases" (the journal named after it), while "vldb j" does.
    """
    sw, lw = short.split(), long.split()
    if not sw or not lw or len(sw) > len(lw) or not lw[0].startswith(sw[0]):
        return False
    if len(sw) == 1:
        return len(lw) == 1
    k = 0
    for w in sw:
        while k < len(lw) and not lw[k].startswith(w):
            k += 1
        if k == len(lw):
            return False
        k += 1
    return True


def pages_compatible(first_a: str, first_b: str, last_a: str, last_b: str) -> bool:
    """Whether two different first pages may still describe the same article.

    Exports mangle page ranges ("S109-S112" as "Suppl-12", "125-128" as "2-8"), give only
    the last page ("488" for "487-488"), or use an electronic article number ("e12724",
    "c1804") where another database has print pages. Such pairs are treated as missing
    pages, not as a conflict: the last pages agree (one ends with the digits of the other),
    a lone page equals the other's first or last page, or exactly one side is an article
    number with a letter prefix. A supplement page ("S500") is a page, not an article
    number: against a print page it conflicts (a meeting abstract and the later article).
    """
    if last_a and last_b and (last_a.endswith(last_b) or last_b.endswith(last_a)):
        return True
    if not last_a and first_a in (first_b, last_b):
        return True
    if not last_b and first_b in (first_a, last_a):
        return True
    letter_a = first_a[:1].isalpha() and first_a[1:].isdigit() and first_a[:1] != "s"
    letter_b = first_b[:1].isalpha() and first_b[1:].isdigit() and first_b[:1] != "s"
    return letter_a != letter_b


def _page_code(fa: np.ndarray, fb: np.ndarray, la: np.ndarray, lb: np.ndarray) -> np.ndarray:
    """First pages: equal, conflicting, or missing/unusable (see :func:`pages_compatible`)."""
    code = _code(fa, fb)
    for t in np.flatnonzero(code == CONFLICT):
        if pages_compatible(fa[t], fb[t], la[t], lb[t]):
            code[t] = MISSING
    return code


#: Titles less similar than this are not compared again without their function words (a
#: title that drops them all, "Large Databases Remote Sensing GIS" for "Large Databases for
#: Remote Sensing and GIS", stays above it).
CONTENT_FLOOR = 0.6
#: English function words that some exports drop from titles.
TITLE_SMALL_WORDS = frozenset({"a", "an", "the", "of", "for", "in", "on", "and", "to", "with", "at",
                               "by", "from", "as", "or"})


def _content_words(titles: np.ndarray) -> np.ndarray:
    """Folded titles without :data:`TITLE_SMALL_WORDS` (at least two words must remain, else
    ""); a title that recurs in ``titles`` is processed once."""
    memo: dict[str, str] = {}
    out = np.empty(len(titles), dtype=object)
    for k, t in enumerate(titles):
        c = memo.get(t)
        if c is None:
            words = [w for w in t.split() if w not in TITLE_SMALL_WORDS]
            c = memo[t] = " ".join(words) if len(words) >= 2 else ""
        out[k] = c
    return out


def _name_words(authors: str, memo: dict[str, frozenset]) -> frozenset:
    """The folded words of two or more letters of an author field (initials left out)."""
    known = memo.get(authors)
    if known is None:
        known = memo[authors] = frozenset(w for w in fold(str(authors)).split() if len(w) >= 2)
    return known


def acronym_of(short: str, long: str) -> bool:
    """Whether the one-word name ``short`` is the initials of the words of ``long`` (both
    folded, see ``prepare``): "vldb" for "very large data bases", "jama" for "journal american
    medical association". Acronyms of fewer than three letters are too ambiguous to count.

    Examples
    --------
    >>> acronym_of("vldb", "very large data bases"), acronym_of("vldb", "very large databases")
    (True, False)
    """
    words = long.split()
    return (" " not in short and len(short) >= 3 and len(words) == len(short)
            and all(w[:1] == c for w, c in zip(words, short)))


def _journal_similarity(a: np.ndarray, b: np.ndarray, workers: int) -> np.ndarray:
    sim = _sim(a, b, fuzz.ratio, workers)
    todo = np.flatnonzero((sim < 0.9) & (a != "") & (b != ""))
    for t in todo:
        x, y = a[t], b[t]
        if len(x.replace(" ", "")) > len(y.replace(" ", "")):
            x, y = y, x
        if abbreviation_of(x, y) or acronym_of(x, y):
            sim[t] = 0.95
    return sim


def _front_matter(pages: pd.Series) -> np.ndarray:
    """Per record: the first page is a Roman numeral (no digit: "iii", "xi")."""
    pages = pages.astype(str)
    return ((pages != "") & ~pages.str.contains(r"\d", regex=True)).to_numpy()


def _label_code(titles: pd.Series, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """CONFLICT where two titles differ only in a final one-letter label ("Case A" against
    "Case B", "Appendix A" against "Appendix B"); MISSING otherwise."""
    titles = titles.astype(str)
    labelled = titles.str.fullmatch(r".+ [^\W\d_]").to_numpy(dtype=bool)
    code = np.full(len(i), MISSING, dtype=np.int8)
    t = np.flatnonzero(labelled[i] & labelled[j])
    if len(t):
        text = titles.to_numpy(dtype=object)
        a, b = text[i[t]], text[j[t]]
        for k, x, y in zip(t, a, b):
            if x[:-1] == y[:-1] and x[-1] != y[-1]:
                code[k] = CONFLICT
    return code


#: Pairs whose titles are less similar than this (Levenshtein and word-sorted ratio) are not
#: compared further unless an exact key links them (same DOI; same first author with the
#: same year or first page) or one title starts the other. No duplicate, related or maybe
#: rule accepts titles below 0.80 without such a key, so the filter loses no decision.
TITLE_PREFILTER = 0.75

#: Blocking passes built on exact keys: their pairs always go through the full comparison.
EXACT_BLOCKS = ("doi", "author_year", "author_page")


def compare(prep: pd.DataFrame, pairs: pd.DataFrame, workers: int = 1,
            title_prefilter: float = TITLE_PREFILTER) -> pd.DataFrame:
    """Field similarities of candidate pairs.

    The titles of every pair are compared first; pairs that fail :data:`TITLE_PREFILTER`
    and have no exact key in common are dropped (they are "different" under every rule),
    and the other fields are compared for the remaining pairs only.

    Parameters
    ----------
    prep : pandas.DataFrame
        Output of :func:`reviewlib.dedup.prepare.prepare`.
    pairs : pandas.DataFrame
        Output of :func:`reviewlib.dedup.block.block` (columns ``i``, ``j``, ``block``).
    workers : int
        Threads for rapidfuzz (``-1`` = all cores).
    title_prefilter : float
        See :data:`TITLE_PREFILTER`.

    Returns
    -------
    pandas.DataFrame
        The kept rows of ``pairs`` plus, per pair:

        ``title``
            normalised Levenshtein similarity (rapidfuzz ``fuzz.ratio`` / 100) of the folded
            titles, the best over the alternative (bracketed, translated) titles and over the
            titles without English function words (:data:`TITLE_SMALL_WORDS`) too;
        ``title_sort``
            the same after sorting the words;
        ``title_prefix``
            the shorter title, of at least three words and 15 characters, starts the longer;
        ``short_words``
            number of words of the shorter title;
        ``title_partial``
            best alignment of the shorter title inside the longer (``fuzz.partial_ratio``);
        ``title_chars``
            length of the shorter folded title without spaces;
        ``author``, ``author_set``
            similarity of the family-name lists, as strings (the better of the lists as given
            and alphabetically sorted, so that the same names in another order give 1) and
            as token sets (1 when one list contains the other);
        ``first_author``, ``author_count``
            codes (equal / conflict / missing);
        ``journal``
            similarity of the folded container names; an ISO-4 style abbreviation of the
            other counts as 0.95; ``journal_missing`` how many sides lack it;
        ``year_diff``, ``year_missing``
            absolute difference (-1 when a year is missing) and how many sides miss it;
        ``volume``, ``number``, ``page``, ``doi``
            codes; different first pages that :func:`pages_compatible` explains count as
            missing; DOIs are compared on their letters and digits only; ``page_one``
            flags a first page "1"; ``page_front`` a first page in Roman numerals (front
            matter, shared by the editorials of every issue);
        ``numbers``, ``part``, ``label``
            codes for the numbers in the titles, the "Part N" marker and a final one-letter
            label ("Case A" / "Case B": only conflicts are coded); ``part_one_side``
            flags a marker on one title only;
        ``notice``, ``preprint``
            True when the two records differ in notice kind (erratum, retraction, reply,
            comment ...) or in being a preprint;
        ``generic``
            True when either title is generic (a column title or one that recurs in the
            input, :func:`reviewlib.dedup.prepare.generic_titles`).
    """
    i = pairs["i"].to_numpy(np.int64)
    j = pairs["j"].to_numpy(np.int64)

    def col(name, ii=None, jj=None):
        v = prep[name].to_numpy()
        return v[i if ii is None else ii], v[j if jj is None else jj]

    ta, tb = col("n_title")
    title = _sim(ta, tb, fuzz.ratio, workers)
    # the same letters spaced differently ("back propagation", "backpropagation", "e-commerce")
    ka, kb = col("n_title_key")
    title[(ka == kb) & (ka != "")] = 1.0
    # a translated title given in brackets next to the original: compare every version
    xa, xb = col("n_title_alt")
    for u, v, has in ((xa, tb, xa != ""), (ta, xb, xb != ""), (xa, xb, (xa != "") & (xb != ""))):
        if has.any():
            title[has] = np.maximum(title[has], _sim(u[has], v[has], fuzz.ratio, workers))
    # one export drops the small words of a title ("Hyper-Programming Java" for
    # "Hyper-Programming in Java"): compare without them where the titles are not yet equal
    todo = np.flatnonzero((title < 0.95) & (title >= CONTENT_FLOOR) & (ta != "") & (tb != ""))
    if len(todo):
        ca, cb = _content_words(ta[todo]), _content_words(tb[todo])
        has = (ca != "") & (cb != "")
        title[todo[has]] = np.maximum(title[todo[has]], _sim(ca[has], cb[has], fuzz.ratio, workers))
    # word-sorted ratio only where the plain ratio does not already pass the filter
    title_sort = title.copy()
    low = np.flatnonzero(title < title_prefilter)
    if len(low):
        title_sort[low] = _sim(ta[low], tb[low], fuzz.token_sort_ratio, workers)
    la, lb = col("n_title_len")
    swap = la > lb
    short = np.where(swap, tb, ta)
    long_ = np.where(swap, ta, tb)
    # prefix test only where the first 15 characters agree (a vectorised necessary condition)
    ha, hb = col("n_title_head")
    prefix = np.zeros(len(i), dtype=bool)
    for t in np.flatnonzero((np.minimum(la, lb) >= 15) & (la != lb) & (ha == hb)):
        s_ = short[t]
        prefix[t] = s_.count(" ") >= 2 and long_[t].startswith(s_ + " ")
    exact = pairs["block"].isin(EXACT_BLOCKS).to_numpy()
    keep = (title >= title_prefilter) | (title_sort >= title_prefilter) | prefix | exact
    k = np.flatnonzero(keep)
    i, j = i[k], j[k]
    out = pairs.iloc[k].reset_index(drop=True)
    out["title"] = title[k]
    ts = title_sort[k]
    skipped = np.flatnonzero(title[k] >= title_prefilter)     # not computed above
    if len(skipped):
        ts[skipped] = _sim(ta[k][skipped], tb[k][skipped], fuzz.token_sort_ratio, workers)
    out["title_sort"] = ts
    out["title_prefix"] = prefix[k]
    out["short_words"] = np.fromiter((t.count(" ") + 1 if t else 0 for t in short[k]), dtype=np.int16, count=len(k))
    ta, tb, short, long_ = ta[k], tb[k], short[k], long_[k]
    out["title_partial"] = _sim(short, long_, fuzz.partial_ratio, workers)
    ka, kb = col("n_title_len")
    out["title_chars"] = np.minimum(ka, kb)

    aa, ab = col("n_authors")
    # the same names in another order are the same list: sources order authors differently
    out["author"] = np.maximum(_sim(aa, ab, fuzz.ratio, workers),
                               _sim(*col("n_authors_sorted"), fuzz.ratio, workers))
    out["author_set"] = _sim(aa, ab, fuzz.token_set_ratio, workers)
    fa, fb = col("n_first_author")
    first = _code(fa, fb)
    for t in np.flatnonzero(first == CONFLICT):     # a letter lost in conversion ("kr0ger")
        if (LOST_LETTER_MARK in fa[t] or LOST_LETTER_MARK in fb[t]) and family_names_match(fa[t], fb[t]):
            first[t] = EQUAL
    out["first_author"] = first
    out["author_count"] = _code(*col("n_author_count"), missing=0)
    # first authors that differ only because given and family name are swapped ("Chen Qun"
    # / "Qun Chen"): the author fields hold the same words of two or more letters
    close = np.maximum(out["title"].to_numpy(), out["title_sort"].to_numpy()) >= 0.9
    todo = np.flatnonzero(close & (first == CONFLICT))
    if len(todo):
        ra, rb = col(F.AUTHOR)
        words: dict[str, frozenset] = {}
        same = [t for t in todo if len(_name_words(ra[t], words)) >= 2
                and _name_words(ra[t], words) == _name_words(rb[t], words)]
        if same:
            for name in ("author", "author_set"):
                values = out[name].to_numpy().copy()
                values[same] = 1.0
                out[name] = values
            first[same] = EQUAL
            out["first_author"] = first
    ja, jb = col("n_journal")
    out["journal"] = _journal_similarity(ja, jb, workers)
    out["journal_missing"] = ((ja == "").astype(np.int8) + (jb == "").astype(np.int8))
    ya, yb = col("n_year")
    out["year_diff"] = np.where((ya > 0) & (yb > 0), np.abs(ya.astype(np.int32) - yb.astype(np.int32)), -1).astype(np.int16)
    out["year_missing"] = ((ya == 0).astype(np.int8) + (yb == 0).astype(np.int8))
    out["volume"] = _code(*col("n_volume"))
    out["number"] = _code(*col("n_number"))
    pa_, pb_ = col("n_page")
    out["page"] = _page_code(pa_, pb_, *col("n_page_last"))
    out["page_one"] = ((pa_ == "1") | (pb_ == "1")).astype(np.int8)
    front = _front_matter(prep["n_page"])
    out["page_front"] = front[i] | front[j]
    out["doi"] = _code(*col("n_doi_key"))
    out["numbers"] = _code(*col("n_title_numbers"))
    out["label"] = _label_code(prep["n_title"], i, j)
    ra, rb = col("n_part")
    out["part"] = _code(ra, rb)
    out["part_one_side"] = (ra == "") != (rb == "")
    na, nb = col("n_notice")
    out["notice"] = (na != nb)
    pa, pb = col("n_preprint")
    out["preprint"] = (pa != pb)
    ga, gb = col("n_generic")
    out["generic"] = ga.astype(bool) | gb.astype(bool)
    return out
