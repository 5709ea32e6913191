"""Loading ``sources.csv``, the exports it names, deduplication and ``reasons.csv``.

Every source's export is read with :func:`reviewlib.io.read_records`. Records of all sources
except ``previous`` are deduplicated together with :func:`reviewlib.dedup.deduplicate`
(``dedup_overrides.csv`` applied); a kept record belongs to the databases-and-registers
column of the PRISMA diagram when any of its merged records came from a database or
register, else to the other-methods column. Records of ``previous`` sources are kept apart,
grouped into studies by an optional ``study_id`` column (CSV/TSV exports).
"""

from __future__ import annotations

import datetime
import os
import posixpath
import re
from pathlib import Path

import pandas as pd

from reviewlib.errors import InputError
from reviewlib.io import Table, read_table
from reviewlib.records import fields as F
from reviewlib.screening import layout as L
from reviewlib.screening.folder import ScreeningFolder, _err, _frame, _read
from reviewlib.screening.rawcount import count_entries

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_date(text: str) -> bool:
    """True for a real calendar date written YYYY-MM-DD (2026-02-30 is not one)."""
    if not _DATE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _inside(name: str) -> bool:
    """True when the relative path ``name`` stays inside the folder it is relative to.

    Judged on the text alone (``search/../../x`` leaves the folder, ``./search/x`` does
    not), so a copy of the folder anywhere resolves it the same way.
    """
    posix = name.replace("\\", "/")
    if os.path.isabs(name) or posix.startswith("/") or re.match(r"^[A-Za-z]:", posix):
        return False
    norm = posixpath.normpath(posix)
    return norm != ".." and not norm.startswith("../")


# ---------------------------------------------------------------------- sources
def _load_sources(folder: ScreeningFolder) -> Table | None:
    rel = L.SOURCES_FILE
    if not os.path.isfile(folder.path(rel)):
        _err(folder, folder.path(rel), None, "missing: every screening folder needs sources.csv "
             f"({','.join(L.SOURCES_HEADER)})")
        return None
    table = _read(folder, rel, L.SOURCES_HEADER, optional=(L.ROUND_COLUMN,))
    if table is None:
        return None
    has_round = L.ROUND_COLUMN in table.header
    header = L.SOURCES_HEADER + ([L.ROUND_COLUMN] if has_round else [])
    frame = _frame(table, header)
    if not has_round:
        frame[L.ROUND_COLUMN] = ""
    path = str(table.path)
    col = {h: table.column(h) for h in header}
    seen_id: dict[str, int] = {}
    seen_file: dict[str, int] = {}
    keep = []
    for r in frame.itertuples(index=False):
        if r.ragged:
            keep.append(False)
            continue
        ok = True
        if not r.source_id:
            _err(folder, path, r.line, "source_id is empty", col["source_id"])
            ok = False
        elif r.source_id in seen_id:
            _err(folder, path, r.line, f"source_id {r.source_id!r} already used on line "
                 f"{seen_id[r.source_id]}", col["source_id"])
            ok = False
        else:
            seen_id[r.source_id] = r.line
        if r.type not in L.SOURCE_TYPES:
            _err(folder, path, r.line, f"type {r.type!r} is not one of "
                 f"{', '.join(L.SOURCE_TYPES)}", col["type"])
            ok = False
        if r.type in L.DATABASE_TYPES and not _is_date(r.searched_on):
            _err(folder, path, r.line, f"searched_on {r.searched_on!r} must be the date of the "
                 "search as YYYY-MM-DD", col["searched_on"])
        elif r.searched_on and not _is_date(r.searched_on):
            _err(folder, path, r.line, f"searched_on {r.searched_on!r} must be a date "
                 "YYYY-MM-DD (or empty)", col["searched_on"])
        if has_round:
            ok = _check_round(folder, path, r, col[L.ROUND_COLUMN]) and ok
        elif r.type != L.PREVIOUS:
            folder.rounds[r.source_id] = 1
        if not r.file:
            _err(folder, path, r.line, "file is empty: name the export of this source, "
                 "relative to the screening folder", col["file"])
            ok = False
        elif not _inside(r.file):
            _err(folder, path, r.line, f"file {r.file!r} must be a path inside the screening "
                 "folder, relative to it", col["file"])
            ok = False
        elif not os.path.isfile(folder.path(r.file)):
            _err(folder, path, r.line, f"file {r.file!r} not found (looked for "
                 f"{folder.path(r.file)})", col["file"])
            ok = False
        elif not os.access(folder.path(r.file), os.R_OK):
            _err(folder, path, r.line, f"file {r.file!r} is not readable", col["file"])
            ok = False
        else:
            norm = os.path.normpath(r.file)
            if norm in seen_file:
                _err(folder, path, r.line, f"file {r.file!r} is already the export of the source "
                     f"on line {seen_file[norm]}", col["file"])
                ok = False
            seen_file[norm] = r.line
        keep.append(ok)
    frame["valid"] = keep
    folder.sources = frame
    return table


def _check_round(folder: ScreeningFolder, path: str, r, column: int) -> bool:
    """Validate one ``round`` cell; record the round of a valid source."""
    value = getattr(r, L.ROUND_COLUMN)
    if r.type == L.PREVIOUS:
        if value:
            _err(folder, path, r.line, f"round {value!r} must be empty for a 'previous' source "
                 "(the previous version is not a search round)", column)
            return False
        return True
    if not re.fullmatch(r"[1-9][0-9]{0,3}", value):
        _err(folder, path, r.line, f"round {value!r} must be the number of the search round "
             "(1 for the first search, 2 for the first update, ...)", column)
        return False
    folder.rounds[r.source_id] = int(value)
    return True


def _decided_ids(folder: ScreeningFolder) -> set[str]:
    """Every record id named in a decision file or in removed.csv (read leniently: the
    strict reading, with its messages, comes later)."""
    paths = [folder.path(L.REMOVED_FILE)]
    for stage in L.STAGES:
        d = folder.path(stage)
        if os.path.isdir(d):
            paths += [os.path.join(d, n) for n in sorted(os.listdir(d))
                      if n.lower().endswith(".csv") and not n.startswith((".", "~$"))]
    ids: set[str] = set()
    for p in paths:
        if not os.path.isfile(p):
            continue
        try:
            table = read_table(p)
        except InputError:
            continue
        if "record_id" in table.header:
            ids.update(row.get("record_id", "").strip() for row in table.rows)
    ids.discard("")
    return ids


def _lost_message(counted: int, read: int) -> str:
    return (f"the file holds {counted} record(s), counted from its text, but {read} were read "
            "from it: a record the reader could not separate would be missing from the "
            "PRISMA counts")


def _previous_study_ids(folder: ScreeningFolder, rel: str, n: int) -> list[str] | None:
    """study_id column of a CSV/TSV ``previous`` source, if it has one."""
    if Path(rel).suffix.lower() not in (".csv", ".tsv", ".txt"):
        return None
    try:
        table = read_table(folder.path(rel))
    except InputError:
        return None
    names = {h.casefold(): h for h in table.header}
    key = names.get(L.PREVIOUS_STUDY_COLUMN)
    if key is None or len(table.rows) != n:
        return None
    return [row.get(key, "").strip() for row in table.rows]


def _load_records(folder: ScreeningFolder, table: Table) -> None:
    """Read every valid source's export; deduplicate all but ``previous``."""
    from reviewlib.io import read_records

    frames, previous = [], []
    complete = bool(folder.sources["valid"].all())
    src_path = str(table.path)
    file_col = table.column("file")
    first_seen: dict[str, tuple[str, int]] = {}
    for r in folder.sources[folder.sources["valid"]].itertuples(index=False):
        try:
            records = read_records(folder.path(r.file))
        except InputError as e:
            folder.problems.extend(e.problems)
            complete = False
            continue
        folder.notes.extend(getattr(records, "notes", None) or [])
        probs = [p for p in (getattr(records, "problems", None) or [])
                 if getattr(p, "level", "error") == "error"]
        if probs:
            folder.problems.extend(probs)
            complete = False
        f = records.frame.copy()
        counted = count_entries(folder.path(r.file))
        if counted is not None and counted != len(f):
            _err(folder, folder.path(r.file), None, _lost_message(counted, len(f)))
            complete = False
        for c in (F.ID, F.TITLE, F.AUTHOR, F.YEAR):
            if c not in f.columns:
                f[c] = ""
        f = f.fillna("").astype(str)
        f[F.SOURCE] = r.source_id
        f["source_id"] = r.source_id
        f["type"] = r.type
        if r.type == L.PREVIOUS:
            studies = _previous_study_ids(folder, r.file, len(f))
            f["study_id"] = [s or i for s, i in zip(studies, f[F.ID])] if studies else f[F.ID]
            previous.append(f)
            continue
        f["column"] = L.DBR if r.type in L.DATABASE_TYPES else L.OTHER
        for rid in f[F.ID]:
            if rid in first_seen and first_seen[rid][0] != r.source_id:
                other, line = first_seen[rid]
                _err(folder, src_path, r.line, f"record id {rid!r} of {r.file} is also an id in "
                     f"source {other!r} (line {line}); ids must be unique across sources",
                     file_col)
            elif rid in first_seen:
                _err(folder, folder.path(r.file), None, f"record id {rid!r} occurs more than "
                     "once in this export; ids must be unique")
            first_seen.setdefault(rid, (r.source_id, r.line))
        frames.append(f)
    if previous:
        folder.previous = pd.concat(previous, ignore_index=True)[
            [F.ID, "source_id", "study_id", F.TITLE, F.AUTHOR, F.YEAR]]
    else:
        folder.previous = pd.DataFrame(columns=[F.ID, "source_id", "study_id", F.TITLE,
                                                F.AUTHOR, F.YEAR], dtype=str)
    if not frames:
        folder.identified = pd.DataFrame(columns=[F.ID, "source_id", "type", "column"], dtype=str)
        folder.records = pd.DataFrame(columns=[F.ID, F.MERGED_IDS, "source_ids", "types",
                                               "column"], dtype=str)
        folder.duplicates = pd.DataFrame(columns=[F.ID, F.KEPT_ID, F.RULE, F.SCORE,
                                                  "source_id"], dtype=str)
        folder.records_complete = complete
        return
    identified = pd.concat(frames, ignore_index=True)
    folder.identified = identified
    overrides = _load_overrides(folder, check_ids=complete)
    if identified[F.ID].duplicated().any() or not complete:
        # ids collide, or a source could not be read: the records are not all known, so
        # deduplication (and every check of a record id) waits until that is fixed
        return
    folder.records_complete = _deduplicate(folder, identified, overrides)


def _load_overrides(folder: ScreeningFolder, check_ids: bool) -> pd.DataFrame | None:
    rel = L.OVERRIDES_FILE
    if not os.path.isfile(folder.path(rel)):
        return None
    table = _read(folder, rel, L.OVERRIDES_HEADER)
    if table is None:
        return None
    frame = _frame(table, L.OVERRIDES_HEADER)
    path = str(table.path)
    known = set(folder.identified[F.ID]) if not folder.identified.empty else set()
    ok = []
    for r in frame.itertuples(index=False):
        if r.ragged:
            ok.append(False)
            continue
        good = True
        for name in ("id_a", "id_b"):
            value = getattr(r, name)
            if not value:
                _err(folder, path, r.line, f"{name} is empty", table.column(name))
                good = False
            elif check_ids and value not in known:
                _err(folder, path, r.line, f"{name} {value!r} is not the id of any record in the "
                     "sources (previous-version studies are not deduplicated)",
                     table.column(name))
                good = False
        if r.decision not in L.OVERRIDE_DECISIONS:
            _err(folder, path, r.line, f"decision {r.decision!r} is not one of same, different",
                 table.column("decision"))
            good = False
        ok.append(good)
    frame["valid"] = ok
    out = frame[frame["valid"]][[*L.OVERRIDES_HEADER, "line"]].reset_index(drop=True)
    out.attrs["path"] = path
    return out


def _deduplicate(folder: ScreeningFolder, identified: pd.DataFrame,
                 overrides: pd.DataFrame | None) -> bool:
    from reviewlib.dedup import deduplicate

    try:
        # records already decided on keep their ids (a new round's richer copy of a work
        # fills its empty fields but does not take its place); among several decided
        # copies of one work, the one of the earliest round
        latest = max(folder.rounds.values(), default=1)
        round_of = {rid: folder.rounds.get(s, 1)
                    for rid, s in zip(identified[F.ID], identified["source_id"])}
        prefer = {rid: 1 + latest - round_of.get(rid, latest) for rid in _decided_ids(folder)}
        result = deduplicate(identified.drop(columns=["source_id", "type", "column"]),
                             overrides=overrides, prefer=prefer)
    except InputError as e:
        folder.problems.extend(e.problems)
        return False
    kept = _as_text(result.records)
    src = dict(zip(identified[F.ID], identified["source_id"]))
    typ = dict(zip(identified[F.ID], identified["type"]))
    members = kept[F.MERGED_IDS].str.split(";")
    kept["source_ids"] = [";".join(dict.fromkeys(src.get(m, "") for m in ms)) for ms in members]
    kept["types"] = [";".join(dict.fromkeys(typ.get(m, "") for m in ms)) for ms in members]
    kept["column"] = [L.DBR if any(typ.get(m) in L.DATABASE_TYPES for m in ms) else L.OTHER
                      for ms in members]
    folder.records = kept
    dups = _as_text(result.duplicates)
    dups["source_id"] = dups[F.ID].map(src).fillna("")
    folder.duplicates = dups
    return True


# ---------------------------------------------------------------------- reasons
def _load_reasons(folder: ScreeningFolder) -> None:
    rel = L.REASONS_FILE
    empty = pd.DataFrame(columns=[*L.REASONS_HEADER, "line"], dtype=str)
    folder.reasons = empty
    if not os.path.isfile(folder.path(rel)):
        _err(folder, folder.path(rel), None, "missing: list the allowed exclusion reasons here "
             f"({','.join(L.REASONS_HEADER)})")
        return
    table = _read(folder, rel, L.REASONS_HEADER)
    if table is None:
        return
    frame = _frame(table, L.REASONS_HEADER)
    path = str(table.path)
    seen: dict[tuple[str, str], int] = {}
    ok = []
    for r in frame.itertuples(index=False):
        if r.ragged:
            ok.append(False)
            continue
        good = True
        if not r.code:
            _err(folder, path, r.line, "code is empty", table.column("code"))
            good = False
        if r.stage not in L.REASON_STAGES:
            _err(folder, path, r.line, f"stage {r.stage!r} is not one of "
                 f"{', '.join(L.REASON_STAGES)}", table.column("stage"))
            good = False
        if not r.label:
            _err(folder, path, r.line, "label is empty: the label is what the PRISMA diagram "
                 "shows", table.column("label"))
        if (r.code, r.stage) in seen:
            _err(folder, path, r.line, f"code {r.code!r} already defined for stage {r.stage} on "
                 f"line {seen[(r.code, r.stage)]}", table.column("code"))
            good = False
        else:
            seen[(r.code, r.stage)] = r.line
        ok.append(good)
    frame["valid"] = ok
    folder.reasons = frame[frame["valid"]].drop(columns="valid").reset_index(drop=True)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as a string, missing values as "" (numeric columns such as ``score`` too)."""
    return frame.astype(object).where(frame.notna(), "").astype(str)
