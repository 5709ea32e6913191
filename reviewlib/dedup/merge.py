"""Stage 6 of deduplication: one record per work, with a trail of where every value came from.

The record kept for a work is its most complete one (most non-empty bibliographic fields;
ties go to the smallest id, so the choice never depends on input order). Its empty fields
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


def merge(prep: pd.DataFrame, labels: np.ndarray, columns: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Build the table of kept records.

    Parameters
    ----------
    prep : pandas.DataFrame
        Prepared records (rows 0..n-1, sorted by id).
    labels : numpy.ndarray of int
        Cluster of each row (output of :func:`reviewlib.dedup.cluster.cluster`).
    columns : list of str
        Input columns to carry into the output, in order.

    Returns
    -------
    records : pandas.DataFrame
        One row per work, sorted by id: ``columns`` plus ``merged_ids`` and ``origin``.
    kept : numpy.ndarray of int
        For each input row, the row of the record kept for its work.
    """
    n = len(prep)
    comp = completeness(prep)
    # rank inside each cluster: most complete first, ties by id (= row order)
    order = np.lexsort((np.arange(n), -comp, labels))
    lab_sorted = labels[order]
    first = np.ones(n, dtype=bool)
    first[1:] = lab_sorted[1:] != lab_sorted[:-1]
    head_of = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    kept = np.empty(n, dtype=np.int64)
    kept[order] = order[head_of]

    out = prep.iloc[np.sort(np.unique(kept))][columns].copy()
    multi = np.bincount(labels, minlength=n)[labels] > 1      # rows in clusters of size > 1
    origin = pd.Series("", index=out.index, dtype=object)
    if multi.any():
        sub = prep.iloc[order[multi[order]]]                   # ordered by cluster, rank
        sub_kept = kept[sub.index.to_numpy()]
        ids = sub[F.ID].astype(str)
        merged_ids = ids.groupby(sub_kept).agg(lambda s: ";".join(sorted(s)))
        out[F.MERGED_IDS] = out[F.ID]
        out.loc[merged_ids.index, F.MERGED_IDS] = merged_ids
        if F.SOURCE in columns:
            src = sub[F.SOURCE].astype(str).groupby(sub_kept).agg(
                lambda s: ";".join(sorted({x for v in s for x in v.split(";") if x})))
            out.loc[src.index, F.SOURCE] = src
        trail = {r: [] for r in merged_ids.index}
        for field in [c for c in MERGE_FIELDS if c in columns]:
            values = sub[field].astype(str)
            filled = values.where(values != "").groupby(sub_kept).first()
            donor = ids.where(values != "").groupby(sub_kept).first()
            need = [r for r in filled.index if out.at[r, field] == "" and isinstance(filled.at[r], str)]
            for r in need:
                out.at[r, field] = filled.at[r]
                trail[r].append(f"{field}={donor.at[r]}")
        for r, parts in trail.items():
            origin.at[r] = ";".join(parts)
    else:
        out[F.MERGED_IDS] = out[F.ID]
    out[ORIGIN] = origin.reindex(out.index).fillna("").astype(str)
    return out.reset_index(drop=True), kept
