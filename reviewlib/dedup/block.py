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
    BlockingPass("doi", ("n_doi", "n_title_key"), ("n_doi",), 60),
    BlockingPass("title", ("n_title_key", "n_year"), ("n_title_key",), 60),
    BlockingPass("author_year", ("n_first_author", "n_year", "n_title_key"), ("n_first_author", "n_year"), 8),
    BlockingPass("author_page", ("n_first_author", "n_page", "n_title_key"), ("n_first_author", "n_page"), 8),
    BlockingPass("title_near", ("n_title_key",), (), 6),
    BlockingPass("title_tail", ("n_title_tail",), (), 4),
    BlockingPass("title_words", ("n_title_words",), (), 4),
)


def _key(prep: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    key = prep[columns[0]].astype(str)
    for c in columns[1:]:
        key = key + "\x1f" + prep[c].astype(str)
    return key


def _add_keys(prep: pd.DataFrame) -> pd.DataFrame:
    """Derived sort keys: reversed title (typos at the start) and longest title words."""
    extra = {}
    if "n_title_tail" not in prep:
        extra["n_title_tail"] = prep["n_title_key"].str[::-1]
    if "n_title_words" not in prep:
        words = prep["n_title"].str.split(" ")
        extra["n_title_words"] = words.map(
            lambda ws: " ".join(sorted(sorted(set(ws), key=lambda w: (-len(w), w))[:3])) if ws else "")
    return prep.assign(**extra) if extra else prep


def block(prep: pd.DataFrame, passes: tuple[BlockingPass, ...] = DEFAULT_PASSES) -> pd.DataFrame:
    """Candidate pairs of records that may be the same work.

    Parameters
    ----------
    prep : pandas.DataFrame
        Output of :func:`reviewlib.dedup.prepare.prepare` (rows 0..n-1, sorted by id).
    passes : tuple of BlockingPass
        The blocking passes to run.

    Returns
    -------
    pandas.DataFrame
        Columns ``i`` and ``j`` (row positions, ``i < j``) and ``block`` (name of the first
        pass that proposed the pair), sorted by ``(i, j)``; each pair appears once.
    """
    n = len(prep)
    prep = _add_keys(prep)
    found_i, found_j, found_b = [], [], []
    for b, p in enumerate(passes):
        sort_codes = pd.factorize(_key(prep, p.sort), sort=True)[0]
        order = np.lexsort((np.arange(n), sort_codes))      # ties by id (rows are id-sorted)
        if p.group:
            group = _key(prep, p.group)
            empty = np.zeros(n, dtype=bool)
            for c in p.group:
                empty |= (prep[c].astype(str) == "").to_numpy() | (prep[c].astype(str) == "0").to_numpy()
            codes = pd.factorize(group)[0]
            codes = np.where(empty, -1, codes)[order]
        else:
            codes = np.where((prep["n_title_key"] == "").to_numpy(), -1, 0)[order]
        for k in range(1, p.window + 1):
            if k >= n:
                break
            same = (codes[:-k] == codes[k:]) & (codes[k:] >= 0)
            if not same.any():
                break
            a, c = order[:-k][same], order[k:][same]
            found_i.append(np.minimum(a, c))
            found_j.append(np.maximum(a, c))
            found_b.append(np.full(len(a), b, dtype=np.int16))
    if not found_i:
        return pd.DataFrame({"i": np.array([], np.int64), "j": np.array([], np.int64),
                             "block": pd.Series([], dtype=str)})
    i = np.concatenate(found_i).astype(np.int64)
    j = np.concatenate(found_j).astype(np.int64)
    bl = np.concatenate(found_b)
    pair = i * n + j
    order = np.lexsort((bl, pair))
    pair, bl = pair[order], bl[order]
    first = np.ones(len(pair), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    pair, bl = pair[first], bl[first]
    names = np.array([p.name for p in passes], dtype=object)
    return pd.DataFrame({"i": pair // n, "j": pair % n, "block": names[bl].astype(str)})
