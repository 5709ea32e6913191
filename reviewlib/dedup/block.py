"""Stage 2 of deduplication: candidate pairs without comparing every record with every other.

Each blocking pass sorts the records by a cheap key and pairs each record with the next few
records in that order (the sorted-neighbourhood method, Hernández & Stolfo, SIGMOD 1995).
A pass either requires the pair to share a *group* key exactly (exact blocking, e.g. the
same DOI) or accepts any neighbour within the window (e.g. alphabetically close titles,
which catches typos after the first letters). The union of all passes is the candidate set;
work grows as ``n log n`` for the sort plus ``n * window`` for the pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reviewlib.dedup.prepare import apply_unique


@dataclass(frozen=True)
class BlockingPass:
    """One sorted-neighbourhood pass.

    Attributes
    ----------
    name : str
        Reported in the pair table (column ``block``) so that every candidate can be traced.
    sort : tuple of str
        Prepared columns whose concatenation orders the records.
    group : tuple of str
        Prepared columns that must be equal and non-empty for a pair; empty tuple = none.
    window : int
        How many following records each record is paired with.
    """

    name: str
    sort: tuple[str, ...]
    group: tuple[str, ...]
    window: int


#: The default passes. Exact keys get a wide window (a group of identical keys is paired
#: completely up to that size); free neighbourhoods a narrow one. Exact-key passes come
#: first, so a pair's ``block`` names an exact key whenever one links it.
DEFAULT_PASSES: tuple[BlockingPass, ...] = (
    BlockingPass("doi", ("n_doi_key", "n_title_key"), ("n_doi_key",), 60),
    BlockingPass("title", ("n_title_key", "n_year"), ("n_title_key",), 60),
    BlockingPass("author_year", ("n_first_author", "n_year", "n_title_key"), ("n_first_author", "n_year"), 8),
    BlockingPass("author_page", ("n_first_author", "n_page", "n_title_key"), ("n_first_author", "n_page"), 8),
    BlockingPass("title_near", ("n_title_key",), (), 6),
    BlockingPass("title_tail", ("n_title_tail",), (), 4),
    BlockingPass("title_words", ("n_title_words",), (), 4),
)


def _title_words(title: str) -> str:
    """The three longest words of a folded title, alphabetically (a key that survives word
    order changes and typos in short words)."""
    words = sorted(set(title.split()), key=lambda w: (-len(w), w))[:3]
    return " ".join(sorted(words))


class _Codes:
    """Per-column integer codes in sorted order of the values, computed once per column."""

    def __init__(self, prep: pd.DataFrame):
        self.prep = prep
        self.cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def __call__(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes ordered like the sorted values, True where the value is missing)."""
        if column not in self.cache:
            if column == "n_title_tail":         # reversed title: typos near the start
                values = self.prep["n_title_key"].str[::-1]
            elif column == "n_title_words":      # longest words: reordered titles
                values = pd.Series(apply_unique(self.prep["n_title"], _title_words), index=self.prep.index)
            else:
                values = self.prep[column]
            text = values.astype(str)
            codes = pd.factorize(text, sort=True)[0].astype(np.int64)
            missing = ((text == "") | (text == "0")).to_numpy()
            self.cache[column] = (codes, missing)
        return self.cache[column]


def block(prep: pd.DataFrame, passes: tuple[BlockingPass, ...] = DEFAULT_PASSES) -> pd.DataFrame:
    """Candidate pairs of records that may be the same work.

    Parameters
    ----------
    prep : pandas.DataFrame
        Output of :func:`reviewlib.dedup.prepare.prepare` (rows 0..n-1, sorted by id).
    passes : tuple of BlockingPass
        The blocking passes to run. A pass's ``sort`` columns must start with its
        ``group`` columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``i`` and ``j`` (row positions, ``i < j``) and ``block`` (categorical: name
        of the first pass that proposed the pair), sorted by ``(i, j)``; each pair once.
    """
    n = len(prep)
    codes_of = _Codes(prep)
    no_title = (prep["n_title_key"] == "").to_numpy()
    found_i, found_j, found_b = [], [], []
    for b, p in enumerate(passes):
        if p.group and tuple(p.sort[:len(p.group)]) != tuple(p.group):
            raise ValueError(f"blocking pass {p.name!r}: sort columns must start with the group columns")
        keys = [codes_of(c)[0] for c in p.sort]
        order = np.lexsort([np.arange(n)] + keys[::-1])      # by sort columns, ties by id
        if p.group:
            missing = np.zeros(n, dtype=bool)
            for c in p.group:
                missing |= codes_of(c)[1]
            change = np.zeros(n, dtype=bool)
            for c in p.group:
                k = codes_of(c)[0][order]
                change[1:] |= k[1:] != k[:-1]
            group = np.cumsum(change)
            group = np.where(missing[order], -1, group)
        else:
            group = np.where(no_title[order], -1, 0)
        for k in range(1, p.window + 1):
            if k >= n:
                break
            same = (group[:-k] == group[k:]) & (group[k:] >= 0)
            if not same.any():
                break
            a, c = order[:-k][same], order[k:][same]
            found_i.append(np.minimum(a, c))
            found_j.append(np.maximum(a, c))
            found_b.append(np.full(len(a), b, dtype=np.int8))
    names = [p.name for p in passes]
    if not found_i:
        return pd.DataFrame({"i": np.array([], np.int64), "j": np.array([], np.int64),
                             "block": pd.Categorical.from_codes(np.array([], np.int8), categories=names)})
    pair = np.concatenate(found_i).astype(np.int64) * n + np.concatenate(found_j)
    bl = np.concatenate(found_b)
    del found_i, found_j, found_b
    order = np.lexsort((bl, pair))
    pair, bl = pair[order], bl[order]
    first = np.ones(len(pair), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    pair, bl = pair[first], bl[first]
    return pd.DataFrame({"i": pair // n, "j": pair % n,
                         "block": pd.Categorical.from_codes(bl, categories=names)})
