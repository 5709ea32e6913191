"""Search rounds of a living review: which records each round brought.

A review is updated by running its searches again and adding the new exports to
``sources.csv`` with the next number in its optional ``round`` column (without the column
every source is round 1). All rounds are deduplicated together, and every earlier decision
stays valid:

* a record already decided on keeps its id as the id of its work, even when a later round
  brings a richer copy of it (deduplication *prefers* decided ids; empty fields are still
  filled from the new copy);
* a decision on a record that deduplication merged into another applies to the work the
  record is in (:mod:`reviewlib.screening.load`).

A work belongs to the round of its earliest record; the works of the latest round are the
*new* records of the update: ``screen status`` lists them, and the PRISMA diagram of an
update counts only them as identified (the studies included in earlier rounds count as the
previous version's, as in the PRISMA 2020 template for updated reviews).

Checks (:func:`round_problems`): rounds numbered 1, 2, ... without gaps, and no source of a
later round searched before a source of an earlier round.
"""

from __future__ import annotations

import os

import pandas as pd

from reviewlib.errors import Problem
from reviewlib.records import fields as F
from reviewlib.screening import layout as L
from reviewlib.screening.folder import ScreeningFolder

__all__ = ["check_rounds", "latest_round", "record_rounds", "round_problems"]


def latest_round(folder: ScreeningFolder) -> int:
    """The number of the latest search round (0 when no source is valid)."""
    return max(folder.rounds.values(), default=0)


def record_rounds(folder: ScreeningFolder) -> pd.DataFrame:
    """The round of every record kept by deduplication.

    Returns
    -------
    pandas.DataFrame
        ``record_id``, ``column`` (``dbr``/``other``), ``round`` (the earliest round among
        the records merged into it), ``rounds`` (every round that found it, ";"-joined) and
        ``new`` (first found in the latest round).

    Examples
    --------
    >>> r = record_rounds(load_folder("screening"))   # doctest: +SKIP
    >>> r[r["new"]]                                   # doctest: +SKIP
    """
    cols = ["record_id", "column", "round", "rounds", "new"]
    recs = folder.records
    if recs.empty or F.MERGED_IDS not in recs.columns:
        return pd.DataFrame(columns=cols)
    src = dict(zip(folder.identified[F.ID], folder.identified["source_id"]))
    latest = latest_round(folder)
    out = []
    for rid, column, merged in zip(recs[F.ID], recs["column"], recs[F.MERGED_IDS]):
        found = sorted({folder.rounds.get(src.get(m, ""), 1) for m in merged.split(";")})
        out.append((rid, column, found[0], ";".join(map(str, found)), found[0] == latest))
    return pd.DataFrame(out, columns=cols)


def round_problems(folder: ScreeningFolder) -> list[Problem]:
    """Gaps in the round numbers; a source searched before a source of an earlier round."""
    src = folder.sources
    if src.empty or not folder.rounds:
        return []
    path = folder.path(L.SOURCES_FILE)
    rows = [r for r in src.itertuples(index=False) if r.source_id in folder.rounds]
    numbers = sorted(set(folder.rounds.values()))
    out = []
    missing = [n for n in range(1, numbers[-1]) if n not in numbers]
    if missing:
        first = min((r for r in rows if folder.rounds[r.source_id] > missing[0]),
                    key=lambda r: r.line)
        out.append(Problem(path, int(first.line), len(L.SOURCES_HEADER) + 1,
                           f"no source of round {missing[0]}: number the search rounds "
                           "1, 2, 3, ... in the order they were run"))
    dated = [(folder.rounds[r.source_id], r.searched_on, r) for r in rows if r.searched_on]
    for rnd, date, r in dated:
        earlier = [(d, o) for n, d, o in dated if n < rnd and d > date]
        if earlier:
            d, o = max(earlier, key=lambda x: x[0])
            out.append(Problem(path, int(r.line), L.SOURCES_HEADER.index("searched_on") + 1,
                               f"source {r.source_id!r} of round {rnd} was searched on {date}, "
                               f"before {o.source_id!r} of round {folder.rounds[o.source_id]} "
                               f"(line {o.line}, {d}); a later round cannot be searched earlier"))
    return out


def check_rounds(root: str | os.PathLike = "screening") -> list[Problem]:
    """Problems with the search rounds of a screening folder (``round`` column of
    sources.csv), as ``path:line:column`` problems; empty when they are consistent."""
    from reviewlib.screening.load import load_folder

    folder = load_folder(root)
    path = folder.path(L.SOURCES_FILE)
    col = len(L.SOURCES_HEADER) + 1
    return [p for p in folder.problems
            if p.path == path and ("round" in p.message or p.column == col)]
