"""Stage 6 of deduplication: one record per work, with a trail of where every value came from.

The record kept for a work is its most complete one (most non-empty bibliographic fields;
ties go to the smallest id, so the choice never depends on input order). Records the caller
*prefers* come first whatever their completeness: a work that was already screened keeps
the id its decisions name when a later search brings a richer copy of it. Its empty fields
are filled from the other records of the work, most complete first. Nothing is dropped:
``merged_ids`` lists every input record of the work, ``source`` every file they came from,
and ``origin`` names the record each filled-in field was taken from.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reviewlib.records import fields as F

#: Fields counted for completeness and filled from other records of the same work.
MERGE_FIELDS = [F.TITLE, F.AUTHOR, F.YEAR, F.JOURNAL, F.VOLUME, F.NUMBER, F.PAGES, F.DOI,
                F.ABSTRACT]

ORIGIN = "origin"


def completeness(frame: pd.DataFrame) -> np.ndarray:
    """Number of non-empty :data:`MERGE_FIELDS` per record."""
    cols = [c for c in MERGE_FIELDS if c in frame.columns]
    return (frame[cols].astype(str) != "").sum(axis=1).to_numpy(np.int64)


def _runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Key and ``(start, stop)`` of each run of equal values in a sorted array."""
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    stops = np.r_[starts[1:], len(sorted_keys)]
    return sorted_keys[starts], list(zip(starts.tolist(), stops.tolist()))


def merge(prep: pd.DataFrame, labels: np.ndarray, columns: list[str],
          prefer: np.ndarray | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Build the table of kept records.

    Parameters
    ----------
    prep : pandas.DataFrame
        Prepared records (rows 0..n-1, sorted by id).
    labels : numpy.ndarray of int
        Cluster of each row (output of :func:`reviewlib.dedup.cluster.cluster`).
    columns : list of str
        Input columns to carry into the output, in order (``source`` among them gets the
        ";"-joined sources of the whole work).
    prefer : numpy.ndarray of bool or int, optional
        Rank of each row (0 = no preference): the row of highest rank is kept for its work,
        then the most complete, then the smallest id.

    Returns
    -------
    records : pandas.DataFrame
        One row per work, sorted by id: ``columns`` plus ``merged_ids`` and ``origin``.
    kept : numpy.ndarray of int
        For each input row, the row of the record kept for its work.
    """
    n = len(prep)
    rows = np.arange(n)
    comp = completeness(prep)
    pref = np.zeros(n, dtype=np.int64) if prefer is None else np.asarray(prefer, dtype=np.int64)
    # rank inside each cluster: preferred first, then most complete, ties by id (= row order)
    order = np.lexsort((rows, -comp, -pref, labels))
    lab_sorted = labels[order]
    first = np.ones(n, dtype=bool)
    first[1:] = lab_sorted[1:] != lab_sorted[:-1]
    head_of = np.maximum.accumulate(np.where(first, rows, 0))
    kept = np.empty(n, dtype=np.int64)
    kept[order] = order[head_of]

    keep_rows = np.flatnonzero(kept == rows)
    out = prep.iloc[keep_rows][columns].copy()
    out[F.MERGED_IDS] = out[F.ID].astype(str)
    out[ORIGIN] = ""
    multi = order[np.bincount(labels, minlength=n)[labels[order]] > 1]   # cluster, then rank
    if len(multi):
        owner = kept[multi]
        by_id = np.lexsort((multi, owner))                                  # cluster, then id
        ids = prep[F.ID].to_numpy().astype(str)
        heads, spans = _runs(owner[by_id])
        member = ids[multi[by_id]].tolist()
        out.loc[heads, F.MERGED_IDS] = [";".join(member[a:b]) for a, b in spans]
        if F.SOURCE in columns:
            src = prep[F.SOURCE].to_numpy().astype(str)[multi[by_id]].tolist()
            out.loc[heads, F.SOURCE] = [";".join(sorted({x for v in src[a:b] for x in v.split(";") if x}))
                                        for a, b in spans]
        trail = []
        member_ids = pd.Series(ids[multi])
        for field in [c for c in MERGE_FIELDS if c in columns]:
            values = pd.Series(prep[field].to_numpy().astype(str)[multi])
            present = values != ""
            filled = values.where(present).groupby(owner).first()
            donor = member_ids.where(present).groupby(owner).first()
            current = out.loc[filled.index, field].astype(str).to_numpy()
            need = filled.index[(current == "") & filled.notna().to_numpy()]
            if len(need):
                out.loc[need, field] = filled.loc[need].to_numpy()
                trail.append(pd.Series(field + "=" + donor.loc[need].astype(str).to_numpy(), index=need))
        if trail:
            origin: dict[int, list[str]] = {}
            for part in trail:                                  # field by field, in order
                for row, text in zip(part.index.tolist(), part.tolist()):
                    origin.setdefault(row, []).append(text)
            out.loc[list(origin), ORIGIN] = [";".join(v) for v in origin.values()]
    return out.reset_index(drop=True), kept
