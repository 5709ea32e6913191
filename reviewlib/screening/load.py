"""Load a screening folder tolerantly, then validate it strictly.

:func:`load_folder` reads every file of the folder (see :mod:`reviewlib.screening.layout`),
deduplicates the records of all sources except ``previous`` with :mod:`reviewlib.dedup`, and
checks every decision row against them. It never raises for bad content and never writes:
every problem becomes a :class:`~reviewlib.errors.Problem` (``path:line:column: message``)
in :attr:`ScreeningFolder.problems`; the quirks a spreadsheet leaves (BOM, ``;`` or tab
delimiters, cp1252, CRLF) are accepted and listed in :attr:`ScreeningFolder.notes`.

Rules enforced (each violation is one problem):

* every file has exactly the header of :mod:`~reviewlib.screening.layout`;
* structural errors from :func:`reviewlib.io.read_table`: empty or binary files, missing
  header, ragged rows, cells of exactly 32,767 characters (cut by Excel);
* ``sources.csv``: unique ``source_id``; a known ``type``; ``file`` relative to the folder,
  existing and readable; a ``searched_on`` date (YYYY-MM-DD) for databases and registers;
* ``reasons.csv``: known ``stage``, unique ``code`` within a stage, non-empty ``label``;
* decision files: allowed values; an exclusion has a reason; a reason is a code of
  ``reasons.csv`` for that stage; every ``record_id`` is a record kept by deduplication (an id
  merged into another gets an error naming the kept id); no id twice in one file;
* full text: ``retrieved`` is yes/no; a report not retrieved has no decision; an included
  report has a ``study_id``; a full-text row is allowed only for a record that passed
  title/abstract screening or that comes only from other methods and was not title-checked
  (see :mod:`reviewlib.screening.decisions` for the rule);
* ``previous_audit.csv``: ids of the ``previous`` source, allowed verdicts, a reason of stage
  ``audit`` for ``out_of_scope``.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reviewlib.errors import InputError, Problem
from reviewlib.io import Table, read_table
from reviewlib.records import fields as F
from reviewlib.screening import layout as L

log = logging.getLogger("reviewlib")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Workbook formats a reviewer may save by mistake instead of CSV.
_SPREADSHEETS = {".xlsx", ".xls", ".xlsm", ".ods", ".numbers"}


@dataclass
class DecisionFile:
    """One reviewer's decision file at one stage.

    Attributes
    ----------
    stage : str
        ``"title_abstract"`` or ``"full_text"``.
    reviewer : str
        The file name without ``.csv`` (``"consensus"`` for the consensus file).
    path : str
        The path as shown in messages (folder as given + relative path).
    frame : pandas.DataFrame
        The rows as strings, columns of the layout plus ``line`` (1-based physical line).
        Rows whose ``record_id`` is unusable (empty, unknown, merged, repeated) are kept
        here but flagged ``valid=False``.
    """

    stage: str
    reviewer: str
    path: str
    frame: pd.DataFrame

    @property
    def is_consensus(self) -> bool:
        return self.reviewer == L.CONSENSUS


@dataclass
class ScreeningFolder:
    """Everything in a screening folder, read and checked.

    Attributes
    ----------
    root : str
        The folder as given (messages use it as prefix).
    sources : pandas.DataFrame
        ``sources.csv`` with a ``line`` column.
    reasons : pandas.DataFrame
        ``reasons.csv`` (code, stage, label, line).
    identified : pandas.DataFrame
        Every record read from the sources except ``previous``: ``id``, ``source_id``,
        ``type``, ``column`` (``"dbr"`` or ``"other"``), title, author, year.
    records : pandas.DataFrame
        Records kept by deduplication: ``id``, title, author, year, ``merged_ids``,
        ``source_ids``, ``types`` (";"-joined), and ``column``: ``"dbr"`` when any merged
        record came from a database or register, else ``"other"``.
    duplicates : pandas.DataFrame
        Records removed by deduplication: ``id``, ``kept_id``, ``rule``, ``score``, plus
        ``source_id``.
    previous : pandas.DataFrame
        Records of the ``previous`` sources: ``id``, ``source_id``, ``study_id``, title.
    decisions : list of DecisionFile
        Title/abstract and full-text files, reviewers and consensus.
    audit : pandas.DataFrame or None
        ``previous_audit.csv`` when present.
    notes, problems : list of Problem
        Accepted quirks, and every error found.
    """

    root: str
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    reasons: pd.DataFrame = field(default_factory=pd.DataFrame)
    identified: pd.DataFrame = field(default_factory=pd.DataFrame)
    records: pd.DataFrame = field(default_factory=pd.DataFrame)
    duplicates: pd.DataFrame = field(default_factory=pd.DataFrame)
    previous: pd.DataFrame = field(default_factory=pd.DataFrame)
    decisions: list[DecisionFile] = field(default_factory=list)
    audit: pd.DataFrame | None = None
    audit_path: str = ""
    kept_ids: set[str] = field(default_factory=set)
    merged: dict[str, str] = field(default_factory=dict)
    previous_ids: set[str] = field(default_factory=set)
    records_complete: bool = False
    notes: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    # ------------------------------------------------------------------ helpers
    def path(self, *parts: str) -> str:
        """A path inside the folder, as shown in messages."""
        return os.path.join(self.root, *parts)

    def files(self, stage: str, *, consensus: bool | None = None) -> list[DecisionFile]:
        """Decision files of ``stage``; ``consensus`` True/False keeps only that kind."""
        out = [d for d in self.decisions if d.stage == stage]
        if consensus is not None:
            out = [d for d in out if d.is_consensus == consensus]
        return out

    def rows(self, stage: str, *, consensus: bool | None = None) -> pd.DataFrame:
        """Valid decision rows of ``stage`` in long form, with ``reviewer``, ``path``, ``line``."""
        parts = []
        for d in self.files(stage, consensus=consensus):
            f = d.frame[d.frame["valid"]].copy()
            f.insert(0, "reviewer", d.reviewer)
            f["path"] = d.path
            parts.append(f)
        header = L.HEADERS[stage]
        if not parts:
            return pd.DataFrame(columns=["reviewer", *header, "line", "valid", "path"], dtype=str)
        return pd.concat(parts, ignore_index=True)

    def reason_labels(self, stage: str) -> dict[str, str]:
        """code -> label for one stage."""
        if self.reasons.empty:
            return {}
        r = self.reasons[self.reasons["stage"] == stage]
        return dict(zip(r["code"], r["label"]))

    def raise_for_problems(self) -> None:
        """Raise :class:`~reviewlib.errors.InputError` with every problem, if any."""
        if self.problems:
            raise InputError(self.problems)

    @property
    def ok(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------------- reading helpers
def _err(folder: ScreeningFolder, path: str, line: int | None, message: str,
         column: int | None = None) -> None:
    folder.problems.append(Problem(path, line, column, message))


def _read(folder: ScreeningFolder, rel: str, header: list[str]) -> Table | None:
    """Read one table, record its notes and problems, check its header exactly.

    Returns the table when its rows can be checked (every expected column present), else
    ``None``.
    """
    path = folder.path(rel)
    try:
        table = read_table(path, expected=header)
    except InputError as e:
        folder.problems.extend(e.problems)
        return None
    folder.notes.extend(table.notes)
    folder.problems.extend(table.problems)
    if not table.header:
        return None
    if any(p.message.startswith("missing header") for p in table.problems):
        return None   # read_table said so already; the first row is data, not a header
    if table.header != header:
        line = table.header_line or 1
        missing = [h for h in header if h not in table.header]
        extra = [h for h in table.header if h not in header]
        col = next((i + 1 for i, (a, b) in enumerate(zip(table.header, header)) if a != b),
                   min(len(table.header), len(header)) + 1)
        detail = []
        if missing:
            detail.append("missing " + ", ".join(missing))
        if extra:
            detail.append("unexpected " + ", ".join(repr(x) for x in extra))
        if not detail:
            detail.append("columns in another order")
        _err(folder, str(table.path), line,
             f"header must be exactly {','.join(header)} ({'; '.join(detail)})", col)
        if missing:
            return None
    return table


def _frame(table: Table, header: list[str]) -> pd.DataFrame:
    """Rows as strings plus ``line`` and ``ragged`` (the row's field count is wrong: its
    cells are not where the header says, so its values are not checked further)."""
    frame = pd.DataFrame([[row.get(h, "").strip() for h in header] for row in table.rows],
                         columns=header, dtype=str)
    frame["line"] = pd.Series(table.lines, dtype="int64")
    ragged_lines = {p.line for p in table.problems if "but the header has" in p.message}
    ends = table.lines[1:] + [10**12]
    frame["ragged"] = [any(a <= x < b for x in ragged_lines)
                       for a, b in zip(table.lines, ends)]
    return frame


# ---------------------------------------------------------------------- sources
def _load_sources(folder: ScreeningFolder) -> Table | None:
    rel = L.SOURCES_FILE
    if not os.path.isfile(folder.path(rel)):
        _err(folder, folder.path(rel), None, "missing: every screening folder needs sources.csv "
             f"({','.join(L.SOURCES_HEADER)})")
        return None
    table = _read(folder, rel, L.SOURCES_HEADER)
    if table is None:
        return None
    frame = _frame(table, L.SOURCES_HEADER)
    path = str(table.path)
    col = {h: table.column(h) for h in L.SOURCES_HEADER}
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
        if r.type in L.DATABASE_TYPES and not _DATE.match(r.searched_on):
            _err(folder, path, r.line, f"searched_on {r.searched_on!r} must be the date of the "
                 "search as YYYY-MM-DD", col["searched_on"])
        elif r.searched_on and not _DATE.match(r.searched_on):
            _err(folder, path, r.line, f"searched_on {r.searched_on!r} must be a date "
                 "YYYY-MM-DD (or empty)", col["searched_on"])
        if not r.file:
            _err(folder, path, r.line, "file is empty: name the export of this source, "
                 "relative to the screening folder", col["file"])
            ok = False
        elif os.path.isabs(r.file) or r.file.replace("\\", "/").startswith("../"):
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
        result = deduplicate(identified.drop(columns=["source_id", "type", "column"]),
                             overrides=overrides)
    except InputError as e:
        folder.problems.extend(e.problems)
        return False
    kept = result.records.copy().fillna("").astype(str)
    src = dict(zip(identified[F.ID], identified["source_id"]))
    typ = dict(zip(identified[F.ID], identified["type"]))
    members = kept[F.MERGED_IDS].str.split(";")
    kept["source_ids"] = [";".join(dict.fromkeys(src.get(m, "") for m in ms)) for ms in members]
    kept["types"] = [";".join(dict.fromkeys(typ.get(m, "") for m in ms)) for ms in members]
    kept["column"] = [L.DBR if any(typ.get(m) in L.DATABASE_TYPES for m in ms) else L.OTHER
                      for ms in members]
    folder.records = kept
    dups = result.duplicates.copy().fillna("").astype(str)
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


# ---------------------------------------------------------------------- decision files
def _reviewer_files(folder: ScreeningFolder, stage: str) -> list[str]:
    d = folder.path(stage)
    if not os.path.isdir(d):
        return []
    names = []
    for n in sorted(os.listdir(d)):
        full = os.path.join(d, n)
        if n.startswith(".") or n.startswith("~$") or not os.path.isfile(full):
            continue   # hidden files and the lock files spreadsheets leave behind
        suffix = Path(n).suffix.lower()
        if suffix == ".csv":
            names.append(n)
        elif suffix in _SPREADSHEETS:
            _err(folder, folder.path(stage, n), None, f"decisions are read from .csv files "
                 f"only: save this workbook as CSV ({Path(n).stem}.csv)")
        else:
            folder.notes.append(Problem(folder.path(stage, n), None, None,
                                        "not a .csv file; ignored", level="note"))
    # consensus last, so that conflicts are read before their resolution
    return sorted(names, key=lambda n: (Path(n).stem.lower() == L.CONSENSUS, n))


def _record_id_problem(folder: ScreeningFolder, rid: str) -> str | None:
    """Why ``rid`` cannot be decided on (None if it is a kept record)."""
    if rid in folder.kept_ids:
        return None
    if rid in folder.merged:
        kept = folder.merged[rid]
        return (f"record {rid!r} was merged into {kept!r} by deduplication; decide on {kept!r} "
                f"instead (or mark the pair 'different' in {L.OVERRIDES_FILE})")
    if rid in folder.previous_ids:
        return (f"record {rid!r} is a study of the previous version of the review; it is not "
                f"screened again (re-check it in {L.AUDIT_FILE})")
    return f"record_id {rid!r} is not a record of any source in {L.SOURCES_FILE}"


def _check_common(folder: ScreeningFolder, table: Table, frame: pd.DataFrame, stage: str,
                  reasons: dict[str, str], can_check_ids: bool) -> list[bool]:
    path = str(table.path)
    col = table.column
    seen: dict[str, int] = {}
    valid = []
    for r in frame.itertuples(index=False):
        if r.ragged:
            valid.append(False)
            continue
        good = True
        if not r.record_id:
            _err(folder, path, r.line, "record_id is empty", col("record_id"))
            good = False
        elif r.record_id in seen:
            _err(folder, path, r.line, f"record {r.record_id!r} already decided on line "
                 f"{seen[r.record_id]} of this file", col("record_id"))
            good = False
        else:
            seen[r.record_id] = r.line
            if can_check_ids:
                why = _record_id_problem(folder, r.record_id)
                if why:
                    _err(folder, path, r.line, why, col("record_id"))
                    good = False
        if r.reason and r.reason not in reasons:
            known = ", ".join(sorted(reasons)) or "none defined"
            _err(folder, path, r.line, f"reason {r.reason!r} is not a {stage} code of "
                 f"{L.REASONS_FILE} (codes: {known})", col("reason"))
        valid.append(good)
    return valid


def _load_decisions(folder: ScreeningFolder, can_check_ids: bool) -> None:
    for stage in L.STAGES:
        header = L.HEADERS[stage]
        reasons = folder.reason_labels(stage)
        for name in _reviewer_files(folder, stage):
            rel = os.path.join(stage, name)
            table = _read(folder, rel, header)
            if table is None:
                continue
            frame = _frame(table, header)
            valid = _check_common(folder, table, frame, stage, reasons, can_check_ids)
            path = str(table.path)
            col = table.column
            for i, r in enumerate(frame.itertuples(index=False)):
                if r.ragged:
                    continue
                if stage == L.TITLE_ABSTRACT:
                    if r.decision not in L.TA_DECISIONS:
                        _err(folder, path, r.line, f"decision {r.decision!r} is not one of "
                             "include, exclude, maybe", col("decision"))
                        valid[i] = False
                    elif r.decision == "exclude" and not r.reason:
                        _err(folder, path, r.line, "an exclusion needs a reason code from "
                             f"{L.REASONS_FILE} (stage title_abstract)", col("reason"))
                    continue
                if r.retrieved not in L.RETRIEVED:
                    _err(folder, path, r.line, f"retrieved {r.retrieved!r} is not one of yes, no",
                         col("retrieved"))
                    valid[i] = False
                if r.decision not in L.FT_DECISIONS:
                    _err(folder, path, r.line, f"decision {r.decision!r} is not one of include, "
                         "exclude or empty (not yet assessed)", col("decision"))
                    valid[i] = False
                elif r.retrieved == "no" and r.decision:
                    _err(folder, path, r.line, "a report that was not retrieved cannot be "
                         "assessed: leave decision empty", col("decision"))
                    valid[i] = False
                elif r.decision == "exclude" and not r.reason:
                    _err(folder, path, r.line, "an excluded report needs a reason code from "
                         f"{L.REASONS_FILE} (stage full_text)", col("reason"))
                elif r.decision == "include" and not r.study_id:
                    _err(folder, path, r.line, "an included report needs a study_id (reports "
                         "of one study share it)", col("study_id"))
            frame["valid"] = valid
            reviewer = Path(name).stem
            if reviewer.lower() == L.CONSENSUS:
                reviewer = L.CONSENSUS
            folder.decisions.append(DecisionFile(stage, reviewer, path, frame))


def _load_audit(folder: ScreeningFolder) -> None:
    rel = L.AUDIT_FILE
    if not os.path.isfile(folder.path(rel)):
        return
    table = _read(folder, rel, L.AUDIT_HEADER)
    if table is None:
        return
    frame = _frame(table, L.AUDIT_HEADER)
    path = str(table.path)
    folder.audit_path = path
    col = table.column
    reasons = folder.reason_labels(L.AUDIT)
    known = set(folder.previous[F.ID]) if not folder.previous.empty else set()
    seen: dict[str, int] = {}
    ok = []
    for r in frame.itertuples(index=False):
        if r.ragged:
            ok.append(False)
            continue
        good = True
        if r.record_id in seen:
            _err(folder, path, r.line, f"record {r.record_id!r} already audited on line "
                 f"{seen[r.record_id]}", col("record_id"))
            good = False
        elif folder.records_complete and r.record_id not in known:
            _err(folder, path, r.line, f"record_id {r.record_id!r} is not a record of a "
                 "'previous' source in sources.csv", col("record_id"))
            good = False
        seen.setdefault(r.record_id, r.line)
        if r.verdict not in L.AUDIT_VERDICTS:
            _err(folder, path, r.line, f"verdict {r.verdict!r} is not one of "
                 f"{', '.join(L.AUDIT_VERDICTS)}", col("verdict"))
            good = False
        elif r.verdict == "out_of_scope" and not r.reason:
            _err(folder, path, r.line, "out_of_scope needs a reason code of stage audit in "
                 f"{L.REASONS_FILE}", col("reason"))
        if r.reason and r.reason not in reasons:
            _err(folder, path, r.line, f"reason {r.reason!r} is not an audit code of "
                 f"{L.REASONS_FILE}", col("reason"))
        ok.append(good)
    frame["valid"] = ok
    folder.audit = frame


# ---------------------------------------------------------------------- entry point
def load_folder(root: str | os.PathLike = "screening") -> ScreeningFolder:
    """Read and check a screening folder; never raises for bad content, never writes.

    Parameters
    ----------
    root : str or path-like, default ``"screening"``
        The folder. Messages name files as ``root`` joined with their relative path.

    Returns
    -------
    ScreeningFolder
        With :attr:`~ScreeningFolder.problems` empty when the folder is clean. The
        cross-stage rule (full text only after title/abstract) is checked by
        :func:`reviewlib.screening.check_folder`, which calls this function.

    Raises
    ------
    InputError
        Only when ``root`` is not a folder.

    Examples
    --------
    >>> folder = load_folder("screening")            # doctest: +SKIP
    >>> len(folder.records), len(folder.problems)    # doctest: +SKIP
    """
    root_s = os.fspath(root)
    if not os.path.isdir(root_s):
        raise InputError.at(root_s, None, "not a folder (expected a screening folder with "
                            "sources.csv, reasons.csv, title_abstract/ and full_text/)")
    folder = ScreeningFolder(root=root_s)
    table = _load_sources(folder)
    if table is not None:
        _load_records(folder, table)
    if folder.records.empty and "column" not in folder.records.columns:
        folder.records = pd.DataFrame(columns=[F.ID, F.MERGED_IDS, "source_ids", "types",
                                               "column"], dtype=str)
    if folder.previous.empty and F.ID not in folder.previous.columns:
        folder.previous = pd.DataFrame(columns=[F.ID, "source_id", "study_id"], dtype=str)
    if folder.duplicates.empty and F.KEPT_ID not in folder.duplicates.columns:
        folder.duplicates = pd.DataFrame(columns=[F.ID, F.KEPT_ID, "source_id"], dtype=str)
    _load_reasons(folder)
    folder.kept_ids = set(folder.records[F.ID])
    folder.merged = dict(zip(folder.duplicates[F.ID], folder.duplicates[F.KEPT_ID]))
    folder.previous_ids = set(folder.previous[F.ID])
    # Record ids can be checked only when every source was read and deduplicated.
    _load_decisions(folder, can_check_ids=folder.records_complete)
    _load_audit(folder)
    return folder
