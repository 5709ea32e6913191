"""Records removed before screening: ``removed.csv`` (record_id, reason, tool, note).

PRISMA 2020 (Page et al. 2021, figure 1) counts, between deduplication and title/abstract
screening, the "records marked as ineligible by automation tools" and the "records removed
for other reasons". A row of ``removed.csv`` removes one record: with ``tool`` naming the
automation tool it counts in ``excluded_automatic``, with ``tool`` empty in
``excluded_other``. ``reason`` says why, in words (it is required); ``note`` is free.

Rules (each violation is a ``path:line:column`` problem):

* ``record_id`` is a record of a database or register source (the diagram has these boxes
  in that column only); an id that deduplication merged into another removes the record
  kept for its work; no work twice;
* ``reason`` is not empty;
* a removed record has no title/abstract or full-text decision (it is not screened).
"""

from __future__ import annotations

import os

import pandas as pd

from reviewlib.errors import Problem
from reviewlib.records import fields as F
from reviewlib.screening import layout as L
from reviewlib.screening.folder import ScreeningFolder, _err, _frame, _read

__all__ = ["check_removed", "removed_counts"]


def _load_removed(folder: ScreeningFolder, can_check_ids: bool) -> None:
    """Read and check ``removed.csv`` (when present) into ``folder.removed``."""
    rel = L.REMOVED_FILE
    if not os.path.isfile(folder.path(rel)):
        return
    table = _read(folder, rel, L.REMOVED_HEADER)
    if table is None:
        return
    frame = _frame(table, L.REMOVED_HEADER)
    path = str(table.path)
    folder.removed_path = path
    col = table.column
    column = dict(zip(folder.records[F.ID], folder.records["column"]))
    decided = {}
    for d in folder.decisions:
        for rid, line in zip(d.frame["record_id"], d.frame["line"]):
            decided.setdefault(rid, (d.path, int(line)))
    seen: dict[str, tuple[int, str]] = {}
    ok, work = [], []
    for r in frame.itertuples(index=False):
        kept = folder.merged.get(r.record_id, r.record_id) if can_check_ids else r.record_id
        work.append(kept)
        if r.ragged:
            ok.append(False)
            continue
        good = True
        if not r.record_id:
            _err(folder, path, r.line, "record_id is empty", col("record_id"))
            good = False
        elif kept in seen:
            line, first = seen[kept]
            same = "" if first == r.record_id else f" (as {first!r}, one work with {r.record_id!r})"
            _err(folder, path, r.line, f"record {r.record_id!r} already removed on line {line}"
                 f"{same}", col("record_id"))
            good = False
        elif can_check_ids:
            seen[kept] = (r.line, r.record_id)
            if kept not in folder.kept_ids:
                where = (" (a study of the previous version: re-check it in "
                         f"{L.AUDIT_FILE})" if r.record_id in folder.previous_ids else "")
                _err(folder, path, r.line, f"record_id {r.record_id!r} is not a record of any "
                     f"source in {L.SOURCES_FILE}{where}", col("record_id"))
                good = False
            elif column.get(kept) != L.DBR:
                _err(folder, path, r.line, f"record {r.record_id!r} was found only by other "
                     "methods; PRISMA 2020 removes records before screening in the databases "
                     "and registers column only (exclude it with a title check instead)",
                     col("record_id"))
                good = False
            elif kept in decided:
                p, line = decided[kept]
                _err(folder, path, r.line, f"record {r.record_id!r} is removed before screening "
                     f"but has a decision in {p} (line {line}); keep one of the two",
                     col("record_id"))
                good = False
        else:
            seen[kept] = (r.line, r.record_id)
        if not r.reason:
            _err(folder, path, r.line, "reason is empty: say why the record was removed "
                 "(with the automation tool in 'tool', or 'tool' empty for other reasons)",
                 col("reason"))
            good = False
        ok.append(good)
    frame["valid"] = ok
    frame["listed_id"] = frame["record_id"]
    frame["record_id"] = work
    folder.removed = frame
    folder.removed_ids = set(frame.loc[frame["valid"], "record_id"])


def removed_counts(folder: ScreeningFolder, ids=None) -> tuple[int, int]:
    """(by automation tools, for other reasons) among the valid rows of ``removed.csv``,
    restricted to the record ids ``ids`` when given."""
    f = folder.removed
    if f is None or f.empty:
        return 0, 0
    f = f[f["valid"]]
    if ids is not None:
        f = f[f["record_id"].isin(set(ids))]
    auto = int((f["tool"] != "").sum())
    return auto, len(f) - auto


def check_removed(root: str | os.PathLike = "screening") -> list[Problem]:
    """Every problem of ``removed.csv`` in a screening folder (``path:line:column``);
    empty when the file is clean or absent."""
    from reviewlib.screening.load import load_folder

    folder = load_folder(root)
    path = folder.path(L.REMOVED_FILE)
    return [p for p in folder.problems if p.path == path]


def removed_frame(folder: ScreeningFolder) -> pd.DataFrame:
    """The valid rows of ``removed.csv`` (empty frame when there is none)."""
    if folder.removed is None:
        return pd.DataFrame(columns=[*L.REMOVED_HEADER, "line"])
    return folder.removed[folder.removed["valid"]][[*L.REMOVED_HEADER, "line"]]
