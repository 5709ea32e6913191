"""Stage 5 of deduplication: group duplicate pairs into works without chaining.

Plain connected components let one weak link join two different works (A~B and B~C give
{A, B, C} although A and C conflict). Here clusters grow by merging along the duplicate
pairs in order of decreasing score, and two clusters merge only when *every* record of one
is compatible with *every* record of the other: no DOI, year, page, volume, part, notice or
preprint conflict, titles not too far apart, and no reviewer's ``different`` override
between them. This is greedy agglomeration under cannot-link constraints (Wagstaff et al.,
ICML 2001, applied to the merge step of hierarchical clustering).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from reviewlib.dedup.compare import pages_compatible

#: Two records whose folded titles are less similar than this never share a cluster,
#: whatever chain of pairs connects them (Levenshtein ratio, 0-1), unless one title is
#: contained in the other (see CONTAINED_TITLE) or they share a DOI or the same volume and
#: first page.
MIN_TITLE_SIMILARITY = 0.70
#: partial_ratio above which the shorter title counts as contained in the longer one.
CONTAINED_TITLE = 0.90


@dataclass
class _Columns:
    """Per-record values for the compatibility test; categorical fields as integer codes
    (-1 = missing), so that comparing two clusters is integer arithmetic."""

    doi: np.ndarray
    preprint: np.ndarray
    notice: np.ndarray
    part: np.ndarray
    numbers: np.ndarray
    year: np.ndarray
    page: np.ndarray
    volume: np.ndarray
    number: np.ndarray
    page_text: np.ndarray
    page_last: np.ndarray
    title: np.ndarray
    title_full: np.ndarray


def _codes(values: pd.Series) -> np.ndarray:
    codes = pd.factorize(values.astype(str))[0].astype(np.int64)
    return np.where((values.astype(str) == "").to_numpy(), -1, codes)


def _columns(prep: pd.DataFrame) -> _Columns:
    full = (prep["n_title"] + " " + prep["n_title_alt"]).str.strip().to_numpy()
    return _Columns(
        doi=_codes(prep["n_doi_key"]), preprint=prep["n_preprint"].to_numpy(bool),
        notice=_codes(prep["n_notice"]), part=_codes(prep["n_part"]),
        numbers=_codes(prep["n_title_numbers"]), year=prep["n_year"].to_numpy(np.int64),
        page=_codes(prep["n_page"]), volume=_codes(prep["n_volume"]), number=_codes(prep["n_number"]),
        page_text=prep["n_page"].to_numpy(), page_last=prep["n_page_last"].to_numpy(),
        title=prep["n_title"].to_numpy(), title_full=full)


def _conflict(c: _Columns, a: np.ndarray, b: np.ndarray, min_title: float,
              judged: np.ndarray | None = None) -> bool:
    """True when any record of ``a`` conflicts with any record of ``b`` (index arrays).

    The conflicts mirror the vetoes of :mod:`reviewlib.dedup.decide`: different DOIs,
    preprint against published, different notice kinds, parts or title numbers, years more
    than one apart, different pages, volumes or issues (unless the DOI is shared, or the
    decide stage weighed that very pair and judged it a duplicate: ``judged`` holds the keys
    ``i * n + j`` of those pairs), a part marker on one title only, and titles too far apart
    (unless one contains the other or DOI or volume and first page vouch for them).
    """
    x = np.repeat(a, len(b))
    y = np.tile(b, len(a))

    def differ(v):
        return (v[x] >= 0) & (v[y] >= 0) & (v[x] != v[y])

    def same(v):
        return (v[x] >= 0) & (v[x] == v[y])

    same_doi = same(c.doi)
    bad = differ(c.doi) | (c.preprint[x] != c.preprint[y]) | (c.notice[x] != c.notice[y])
    page = differ(c.page)
    for t in np.flatnonzero(page):
        page[t] = not pages_compatible(c.page_text[x[t]], c.page_text[y[t]], c.page_last[x[t]], c.page_last[y[t]])
    same_page = same(c.page)
    same_spot = same(c.volume) & same_page
    one_part = (c.part[x] < 0) != (c.part[y] < 0)
    bad |= differ(c.part) | (differ(c.numbers) & ~same_spot) | (one_part & ~same_doi & ~same_page)
    bad |= (c.year[x] > 0) & (c.year[y] > 0) & (np.abs(c.year[x] - c.year[y]) > 1)
    weak = (page | differ(c.volume) | differ(c.number)) & ~same_doi
    if weak.any() and judged is not None and len(judged):
        n = len(c.doi)
        key = np.minimum(x, y).astype(np.int64) * n + np.maximum(x, y)
        at = np.minimum(np.searchsorted(judged, key), len(judged) - 1)
        weak &= judged[at] != key
    bad |= weak
    if bad.any():
        return True
    if min_title > 0:
        sim = process.cpdist(c.title[x], c.title[y], scorer=fuzz.ratio, dtype=np.float32) / 100.0
        low = sim < min_title
        if low.any():
            # a subtitle dropped or a translation given in brackets: one title inside the other
            x, y = x[low], y[low]
            inside = process.cpdist(c.title_full[x], c.title_full[y], scorer=fuzz.partial_ratio,
                                    dtype=np.float32) / 100.0 >= CONTAINED_TITLE
            vouched = same_doi[low] | same_spot[low]
            if not (inside | vouched).all():
                return True
    return False


def cluster(prep: pd.DataFrame, decisions: pd.DataFrame, same: list[tuple[int, int]] | None = None,
            different: list[tuple[int, int]] | None = None,
            min_title_similarity: float = MIN_TITLE_SIMILARITY) -> np.ndarray:
    """Assign every record to a work.

    Parameters
    ----------
    prep : pandas.DataFrame
        Output of :func:`reviewlib.dedup.prepare.prepare`.
    decisions : pandas.DataFrame
        Output of :func:`reviewlib.dedup.decide.decide`; rows with decision ``duplicate``
        are the links.
    same, different : list of (int, int), optional
        Row pairs a reviewer declared the same work (merged first, unconditionally) or
        different works (never in one cluster, also not through other records).
    min_title_similarity : float
        See :data:`MIN_TITLE_SIMILARITY`.

    Returns
    -------
    numpy.ndarray of int
        For each row, the smallest row number of its cluster.

    Raises
    ------
    ValueError
        If the ``same`` pairs join two records that ``different`` separates; ``args[1]``
        is that pair of rows.
    """
    n = len(prep)
    parent = np.arange(n)
    members: dict[int, list[int]] = {}
    cannot: dict[int, set[int]] = {}
    for a, b in different or []:
        cannot.setdefault(a, set()).add(b)
        cannot.setdefault(b, set()).add(a)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(ra: int, rb: int) -> None:
        if ra > rb:
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra] = members.get(ra, [ra]) + members.pop(rb, [rb])

    for a, b in same or []:
        ra, rb = find(a), find(b)
        if ra != rb:
            union(ra, rb)
    for root, group in list(members.items()):
        inside = set(group)
        for m in group:
            clash = cannot.get(m, set()) & inside
            if clash:
                pair = (min(m, min(clash)), max(m, min(clash)))
                raise ValueError(f"rows {pair[0]} and {pair[1]} are declared different works but joined "
                                 "by 'same' decisions", pair)

    cols = _columns(prep)
    dup = decisions[decisions["decision"] == "duplicate"]
    judged = np.sort(np.minimum(dup["i"].to_numpy(np.int64), dup["j"].to_numpy(np.int64)) * n
                     + np.maximum(dup["i"].to_numpy(np.int64), dup["j"].to_numpy(np.int64)))
    order = np.lexsort((dup["j"].to_numpy(), dup["i"].to_numpy(), -dup["score"].to_numpy()))
    ii = dup["i"].to_numpy()[order]
    jj = dup["j"].to_numpy()[order]
    for a, b in zip(ii.tolist(), jj.tolist()):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ga, gb = members.get(ra, [ra]), members.get(rb, [rb])
        if cannot and any(cannot.get(m, set()).intersection(gb) for m in ga):
            continue
        if (len(ga) > 1 or len(gb) > 1) and _conflict(cols, np.array(ga), np.array(gb), min_title_similarity,
                                                            judged):
            continue
        union(ra, rb)
    return np.array([find(x) for x in range(n)], dtype=np.int64)
