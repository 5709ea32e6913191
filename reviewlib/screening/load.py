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
  ``reasons.csv`` for that stage; every ``record_id`` is a record of a source; a record that
  deduplication merged into another is decided through the kept record (the row follows its
  work, ``listed_id`` keeps the id as written); no work twice in one file;
* full text: ``retrieved`` is yes/no; a report not retrieved has no decision; an included
  report has a ``study_id``; a full-text row is allowed only for a record that passed
  title/abstract screening or that comes only from other methods and was not title-checked
  (see :mod:`reviewlib.screening.decisions` for the rule);
* ``previous_audit.csv``: ids of the ``previous`` source, allowed verdicts, a reason of stage
  ``audit`` for ``out_of_scope``;
* ``criteria.csv`` (optional) and coded files (see :mod:`reviewlib.screening.eligibility`):
  unique lower-case criterion names, reasons that are codes of ``reasons.csv``; a coded file
  has one column per criterion in protocol order, each cell ``yes``, ``no`` or ``unclear``
  (empty only after a ``no``); the derived reason must be a code of the file's stage.
* ``removed.csv`` and the ``round`` column of ``sources.csv``: see
  :mod:`reviewlib.screening.removed` and :mod:`reviewlib.screening.rounds`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd

from reviewlib.errors import InputError, Problem
from reviewlib.io import Table, read_table
from reviewlib.records import fields as F
from reviewlib.screening import eligibility as E
from reviewlib.screening import layout as L
from reviewlib.screening.folder import DecisionFile, ScreeningFolder, _err, _frame, _read
from reviewlib.screening.removed import _load_removed
from reviewlib.screening.rounds import round_problems
from reviewlib.screening.sources import _load_reasons, _load_records, _load_sources

log = logging.getLogger("reviewlib")

#: Workbook formats a reviewer may save by mistake instead of CSV.
_SPREADSHEETS = {".xlsx", ".xls", ".xlsm", ".ods", ".numbers"}

__all__ = ["DecisionFile", "ScreeningFolder", "load_folder"]


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
        if stage == L.TITLE_ABSTRACT and n.lower() in L.NOT_DECISIONS:
            continue   # the to-do list and random sample written by screen rank/sample
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
    """Why ``rid`` cannot be decided on (None if it is a record of any source: a record
    that deduplication merged into another is decided through the record kept for it)."""
    if rid in folder.kept_ids or rid in folder.merged:
        return None
    if rid in folder.previous_ids:
        return (f"record {rid!r} is a study of the previous version of the review; it is not "
                f"screened again (re-check it in {L.AUDIT_FILE})")
    return f"record_id {rid!r} is not a record of any source in {L.SOURCES_FILE}"


def _read_either(folder: ScreeningFolder, rel: str, header: list[str],
                 stage: str) -> tuple[Table | None, pd.DataFrame | None]:
    """Read a decision file (or the audit) in its decision form or its coded form.

    The coded form replaces ``decision``/``verdict`` and ``reason`` by one column per
    criterion of ``criteria.csv``; its decision and reason are derived here (see
    :mod:`reviewlib.screening.eligibility`), so the rest of the checks see both forms alike.
    """
    path = folder.path(rel)
    try:
        peek = read_table(path).header
    except InputError:
        peek = []
    if not E.is_coded(peek, folder.criteria):
        table = _read(folder, rel, header)
        return table, (_frame(table, header) if table is not None else None)
    coded = E.coded_header(header, folder.criteria)
    table = _read(folder, rel, coded)
    if table is None:
        return None, None
    frame = _frame(table, coded)
    _derive(folder, table, frame, stage)
    return table, frame


def _derive(folder: ScreeningFolder, table: Table, frame: pd.DataFrame, stage: str) -> None:
    """Fill the decision (or verdict), reason and deciding ``criterion`` of a coded frame;
    judgements that are not allowed are errors at their cell and make the row invalid."""
    path, col = str(table.path), table.column
    target = "verdict" if stage == L.AUDIT else "decision"
    codes = [c.code for c in folder.criteria]
    decided, reasons, by, bad = [], [], [], []
    for r in frame.to_dict("records"):
        values = {c: E.normalise(r[c]) for c in codes}
        wrong = False
        if r["ragged"]:
            wrong = True
        elif stage == L.FULL_TEXT and r["retrieved"] == "no":
            coded = [c for c in codes if values[c]]
            if coded:
                _err(folder, path, r["line"], E.NOT_RETRIEVED, col(coded[0]))
                wrong = True
            decided.append("")
            reasons.append("")
            by.append("")
            bad.append(wrong)
            continue
        elif stage == L.FULL_TEXT and not any(values.values()):
            pass   # retrieved, not assessed yet: pending, as an empty decision
        else:
            for code, msg in E.value_problems(values, folder.criteria):
                _err(folder, path, r["line"], msg, col(code))
                wrong = True
        j = E.judge(values, folder.criteria)
        if stage == L.FULL_TEXT and not any(values.values()):
            j = E.Judgement(E.UNCLEAR, "", "")
        decided.append("" if wrong else j.decision(stage))
        reasons.append("" if wrong or j.outcome == E.MEETS or
                       (stage != L.AUDIT and j.outcome == E.UNCLEAR) else j.reason)
        by.append(j.criterion)
        bad.append(wrong)
    for c in codes:
        frame[c] = [E.normalise(v) for v in frame[c]]
    frame[target] = decided
    frame["reason"] = reasons
    frame["criterion"] = by
    frame["coded_bad"] = bad


def _reason_place(table: Table, r) -> tuple[int, str]:
    """Column and wording of a reason problem: the reason cell, or in a coded file the
    criterion whose reason it is."""
    crit = getattr(r, "criterion", "")
    if "reason" not in table.header and isinstance(crit, str) and crit:
        return table.column(crit), f"the reason of criterion {crit!r} in {E.CRITERIA_FILE}, "
    return table.column("reason"), "reason "


def _check_common(folder: ScreeningFolder, table: Table, frame: pd.DataFrame, stage: str,
                  reasons: dict[str, str], can_check_ids: bool) -> list[bool]:
    path = str(table.path)
    col = table.column
    seen: dict[str, tuple[int, str]] = {}
    valid = []
    work = []
    for r in frame.itertuples(index=False):
        # a decision follows its record into the work deduplication put it in
        kept = folder.merged.get(r.record_id, r.record_id) if can_check_ids else r.record_id
        work.append(kept)
        if r.ragged:
            valid.append(False)
            continue
        good = True
        if not r.record_id:
            _err(folder, path, r.line, "record_id is empty", col("record_id"))
            good = False
        elif r.record_id in seen:
            _err(folder, path, r.line, f"record {r.record_id!r} already decided on line "
                 f"{seen[r.record_id][0]} of this file", col("record_id"))
            good = False
        elif kept in seen:
            line, first = seen[kept]
            _err(folder, path, r.line, f"record {r.record_id!r} and record {first!r} (line "
                 f"{line} of this file) are one work after deduplication (kept as {kept!r}); "
                 f"keep one row, or mark the pair 'different' in {L.OVERRIDES_FILE}",
                 col("record_id"))
            good = False
        else:
            seen[r.record_id] = seen[kept] = (r.line, r.record_id)
            if can_check_ids:
                why = _record_id_problem(folder, r.record_id)
                if why:
                    _err(folder, path, r.line, why, col("record_id"))
                    good = False
        if r.reason and r.reason not in reasons:
            known = ", ".join(sorted(reasons)) or "none defined"
            where, what = _reason_place(table, r)
            _err(folder, path, r.line, f"{what}{r.reason!r} is not a {stage} code of "
                 f"{L.REASONS_FILE} (codes: {known})", where)
        valid.append(good and not getattr(r, "coded_bad", False))
    frame["listed_id"] = frame["record_id"]
    frame["record_id"] = work
    return valid


def _load_decisions(folder: ScreeningFolder, can_check_ids: bool) -> None:
    for stage in L.STAGES:
        header = L.HEADERS[stage]
        reasons = folder.reason_labels(stage)
        for name in _reviewer_files(folder, stage):
            rel = os.path.join(stage, name)
            table, frame = _read_either(folder, rel, header, stage)
            if table is None:
                continue
            coded = "criterion" in frame.columns
            valid = _check_common(folder, table, frame, stage, reasons, can_check_ids)
            path = str(table.path)
            col = table.column
            for i, r in enumerate(frame.itertuples(index=False)):
                if r.ragged or (coded and r.coded_bad):
                    continue
                if coded and stage == L.TITLE_ABSTRACT:
                    continue   # the decision was derived from the criteria, checked there
                if coded:
                    if r.retrieved not in L.RETRIEVED:
                        _err(folder, path, r.line, f"retrieved {r.retrieved!r} is not one of "
                             "yes, no", col("retrieved"))
                        valid[i] = False
                    elif r.decision == "include" and not r.study_id:
                        _err(folder, path, r.line, "an included report needs a study_id "
                             "(reports of one study share it)", col("study_id"))
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
    table, frame = _read_either(folder, rel, L.AUDIT_HEADER, L.AUDIT)
    if table is None:
        return
    coded = "criterion" in frame.columns
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
        if coded:
            if r.reason and r.reason not in reasons:
                where, what = _reason_place(table, r)
                _err(folder, path, r.line, f"{what}{r.reason!r} is not an audit code of "
                     f"{L.REASONS_FILE}", where)
            ok.append(good and not r.coded_bad)
            continue
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
        folder.problems.extend(round_problems(folder))
        _load_records(folder, table)
    if folder.records.empty and "column" not in folder.records.columns:
        folder.records = pd.DataFrame(columns=[F.ID, F.MERGED_IDS, "source_ids", "types",
                                               "column"], dtype=str)
    if folder.previous.empty and F.ID not in folder.previous.columns:
        folder.previous = pd.DataFrame(columns=[F.ID, "source_id", "study_id"], dtype=str)
    if folder.duplicates.empty and F.KEPT_ID not in folder.duplicates.columns:
        folder.duplicates = pd.DataFrame(columns=[F.ID, F.KEPT_ID, "source_id"], dtype=str)
    _load_reasons(folder)
    folder.criteria, problems = E.read_criteria(folder.path(E.CRITERIA_FILE),
                                                set(folder.reasons["code"]))
    folder.problems.extend(problems)
    folder.kept_ids = set(folder.records[F.ID])
    folder.merged = dict(zip(folder.duplicates[F.ID], folder.duplicates[F.KEPT_ID]))
    folder.previous_ids = set(folder.previous[F.ID])
    # Record ids can be checked only when every source was read and deduplicated.
    _load_decisions(folder, can_check_ids=folder.records_complete)
    _load_removed(folder, can_check_ids=folder.records_complete)
    _load_audit(folder)
    return folder
