"""Bring title/abstract decisions made in ASReview LAB or Rayyan into a screening folder.

``reviewlib screen import --reviewer NAME FILE [DIR]`` reads one export and writes
``DIR/title_abstract/NAME.csv`` (record_id, decision, reason, note).

Exports understood
    * ASReview LAB, tabular (CSV/TSV): the label column ``included`` (LAB 1.x),
      ``asreview_label`` (LAB 2) or one of the other names ASReview itself reads
      (``label_included``, ``final_included``, ...): 1 relevant -> ``include``, 0
      irrelevant -> ``exclude``, empty -> not screened (not written).
    * ASReview LAB, RIS: the label is a note (``N1``) reading ``ASReview_relevant``,
      ``ASReview_irrelevant`` or ``ASReview_not_seen``.
    * Rayyan (CSV): the ``notes`` column holds ``RAYYAN-INCLUSION: {"Name"=>"Included", ...}``
      with every collaborator's decision (Included, Excluded, Maybe) and, for exclusions,
      ``RAYYAN-EXCLUSION-REASONS: ...``. The decisions of the collaborator named
      ``--tool-reviewer`` (default: ``--reviewer``; the only one when the export has one)
      are taken.

Matching
    A row is matched to a record of the folder by its id (a record kept by deduplication or
    merged into one: the decision follows its work), else by DOI, else by title, DOI and
    title compared through deduplication's normalisers
    (:func:`reviewlib.records.doi.normalize_doi`, :func:`reviewlib.records.title.title_key`).
    A DOI or title shared by several works is ambiguous and not guessed. Rows that match
    nothing, match ambiguously, match a record removed before screening, or contradict
    another row about the same work are returned as *unmatched*, each with its line and
    why: they are listed, never silently dropped.

Reasons
    An exclusion needs a reason code of ``reasons.csv`` (stage title_abstract). Rayyan's
    exclusion reasons are matched to codes or labels (case-insensitive); otherwise the code
    given as ``exclude_reason`` is used, and without one the import stops and names the
    rows concerned.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reviewlib.errors import InputError, Problem, UsageError
from reviewlib.records.doi import normalize_doi
from reviewlib.records.title import title_key
from reviewlib.screening import layout as L

__all__ = ["ImportResult", "check_import", "import_decisions", "read_tool_export",
           "write_decisions"]

#: Label columns ASReview LAB writes or reads, in order of preference.
ASREVIEW_LABELS = ("asreview_label", "included", "label_included", "final_included",
                   "included_label", "included_final", "included_flag", "label")
_ASREVIEW_RIS = {"asreview_relevant": "include", "asreview_irrelevant": "exclude",
                 "asreview_not_seen": ""}
_ASREVIEW_VALUES = {"1": "include", "1.0": "include", "true": "include",
                    "0": "exclude", "0.0": "exclude", "false": "exclude",
                    "": "", "nan": "", "-1": ""}
_RAYYAN_VALUES = {"included": "include", "excluded": "exclude", "maybe": "maybe"}
_RAYYAN_INCLUSION = re.compile(r"RAYYAN-INCLUSION:\s*\{(.*?)\}", re.S)
_RAYYAN_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"\s*=>\s*"((?:[^"\\]|\\.)*)"')
_RAYYAN_REASONS = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*([^|]*)")
_REVIEWER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class ToolRow:
    """One labelled row of an export: where it is, what identifies it, what it says."""

    line: int
    id: str
    doi: str
    title: str
    decision: str          # include | exclude | maybe | "" (not screened)
    reason_text: str = ""  # the tool's exclusion reason, as written


@dataclass
class ImportResult:
    """Decisions ready to write, and every row that could not be used.

    Attributes
    ----------
    tool : str
        ``"asreview"`` or ``"rayyan"``.
    decisions : pandas.DataFrame
        ``record_id, decision, reason, note`` in the order of the export.
    unmatched : list of Problem
        ``FILE:LINE: why`` for every labelled row not written.
    not_screened : int
        Rows the tool holds without a decision (not written).
    matched_by : collections.Counter
        How rows were matched: ``id``, ``doi``, ``title``.
    """

    tool: str
    decisions: pd.DataFrame
    unmatched: list[Problem] = field(default_factory=list)
    not_screened: int = 0
    matched_by: Counter = field(default_factory=Counter)


# ---------------------------------------------------------------------- reading
def _column(frame: pd.DataFrame, *names: str) -> str | None:
    lower = {str(c).casefold(): c for c in frame.columns}
    return next((lower[n] for n in names if n in lower), None)


def _header_column(path: Path, name: str) -> int | None:
    """1-based column of ``name`` in a tabular export (for messages)."""
    from reviewlib.io import read_table

    try:
        return read_table(path).column(name)
    except (InputError, KeyError):
        return None


def _own_id(value: str, stem: str) -> str:
    """The row's id, or "" when the reader made it up from the file name and row."""
    return "" if re.fullmatch(re.escape(stem) + r":\d+", value) else value


def read_tool_export(path: str | os.PathLike, tool_reviewer: str | None = None
                     ) -> tuple[str, list[ToolRow]]:
    """Read an ASReview LAB or Rayyan export.

    Returns
    -------
    (tool, rows)
        ``tool`` is ``"asreview"`` or ``"rayyan"``; one :class:`ToolRow` per record of
        the export (``decision`` empty when the record was not screened).

    Raises
    ------
    InputError
        Unreadable file, no decision column or note, a label the tool never writes, or (for
        Rayyan) a collaborator that cannot be chosen; each at ``path:line[:column]``.
    """
    from reviewlib.io import read_records

    p = Path(path)
    records = read_records(p)
    frame = records.frame.fillna("").astype(str)
    lines = list(records.lines) if len(records.lines) == len(frame) else [None] * len(frame)
    stem = p.stem
    notes = _column(frame, "notes", "n1")
    ids = [_own_id(x, stem) for x in frame["id"]]
    dois = list(frame["doi"]) if "doi" in frame else [""] * len(frame)
    titles = list(frame["title"]) if "title" in frame else [""] * len(frame)
    if notes is not None and frame[notes].str.contains("RAYYAN-INCLUSION", regex=False).any():
        return "rayyan", _rayyan_rows(p, frame[notes], lines, ids, dois, titles, tool_reviewer)
    label = _column(frame, *ASREVIEW_LABELS)
    rows = []
    problems = []
    if label is not None:
        col = _header_column(p, label)
        for k, value in enumerate(frame[label]):
            v = value.strip().casefold()
            if v not in _ASREVIEW_VALUES:
                problems.append(Problem(str(p), lines[k], col, f"{label} {value!r} is not an "
                                        "ASReview label (1 relevant, 0 irrelevant, empty not "
                                        "screened)"))
                continue
            rows.append(ToolRow(lines[k], ids[k], dois[k], titles[k], _ASREVIEW_VALUES[v]))
    elif notes is not None and frame[notes].str.contains("ASReview_", case=False).any():
        for k, text in enumerate(frame[notes]):
            found = [d for key, d in _ASREVIEW_RIS.items() if key in text.casefold()]
            rows.append(ToolRow(lines[k], ids[k], dois[k], titles[k], found[0] if found else ""))
    else:
        raise InputError.at(p, None, "no screening decisions found: expected an ASReview LAB "
                            "export (a column included or asreview_label, or RIS notes "
                            "ASReview_relevant / ASReview_irrelevant) or a Rayyan export "
                            "(notes with RAYYAN-INCLUSION)")
    if problems:
        raise InputError(problems)
    return "asreview", rows


def _rayyan_rows(p: Path, notes: pd.Series, lines, ids, dois, titles,
                 tool_reviewer: str | None) -> list[ToolRow]:
    parsed = []
    names: dict[str, str] = {}
    for text in notes:
        m = _RAYYAN_INCLUSION.search(text)
        pairs = dict(_RAYYAN_PAIR.findall(m.group(1))) if m else {}
        parsed.append(pairs)
        for n in pairs:
            names.setdefault(n.casefold(), n)
    if tool_reviewer is not None:
        who = names.get(tool_reviewer.casefold())
        if who is None and len(names) == 1:
            who = next(iter(names.values()))
        if who is None:
            raise UsageError(f"{p}: no Rayyan collaborator named {tool_reviewer!r}; the "
                             f"export has {', '.join(sorted(names.values())) or 'none'} "
                             "(choose one with --tool-reviewer)")
    else:
        who = next(iter(names.values())) if len(names) == 1 else None
    rows, problems = [], []
    for k, (text, pairs) in enumerate(zip(notes, parsed)):
        value = next((v for n, v in pairs.items() if n.casefold() == (who or "").casefold()), "")
        decision = _RAYYAN_VALUES.get(value.strip().casefold(), None if value else "")
        if decision is None:
            problems.append(Problem(str(p), lines[k], None, f"Rayyan decision {value!r} of "
                                    f"{who} is not one of Included, Excluded, Maybe"))
            continue
        reasons = _RAYYAN_REASONS.search(text)
        rows.append(ToolRow(lines[k], ids[k], dois[k], titles[k], decision,
                            reasons.group(1).strip() if reasons else ""))
    if problems:
        raise InputError(problems)
    return rows


# ---------------------------------------------------------------------- matching
def _index(folder) -> tuple[dict[str, str], dict[str, set[str]], dict[str, set[str]]]:
    """id -> kept id, normalised DOI -> kept ids, title key -> kept ids."""
    from reviewlib.records import fields as F

    ident = folder.identified
    kept_of = {rid: folder.merged.get(rid, rid) for rid in ident[F.ID]}
    by_doi: dict[str, set[str]] = {}
    by_title: dict[str, set[str]] = {}
    dois = ident[F.DOI] if F.DOI in ident else [""] * len(ident)
    for rid, doi, title in zip(ident[F.ID], dois, ident[F.TITLE]):
        d, t = normalize_doi(doi), title_key(title)
        if d:
            by_doi.setdefault(d, set()).add(kept_of[rid])
        if t:
            by_title.setdefault(t, set()).add(kept_of[rid])
    return kept_of, by_doi, by_title


def _match(row: ToolRow, kept_of, by_doi, by_title) -> tuple[str | None, str]:
    """(kept id, how) or (None, why not)."""
    if row.id and row.id in kept_of:
        return kept_of[row.id], "id"
    for how, key, index in (("doi", normalize_doi(row.doi), by_doi),
                            ("title", title_key(row.title), by_title)):
        works = index.get(key, set()) if key else set()
        if len(works) == 1:
            return next(iter(works)), how
        if len(works) > 1:
            return None, (f"its {how.upper() if how == 'doi' else how} matches several records ({', '.join(sorted(works))}); "
                          "decide on one of them by hand")
    return None, "matches no record of the folder by id, DOI or title"


def _reason_code(text: str, codes: dict[str, str]) -> str:
    """The first of the tool's reasons that names a code or label of reasons.csv."""
    lookup = {c.casefold(): c for c in codes} | {lab.casefold(): c for c, lab in codes.items()}
    for part in re.split(r"[,;]", text):
        if part.strip().casefold() in lookup:
            return lookup[part.strip().casefold()]
    return ""


def import_decisions(root: str | os.PathLike, path: str | os.PathLike, *,
                     tool_reviewer: str | None = None,
                     exclude_reason: str | None = None) -> ImportResult:
    """Match the decisions of one ASReview LAB or Rayyan export to a screening folder.

    Parameters
    ----------
    root : str or path-like
        The screening folder (its sources must all be readable).
    path : str or path-like
        The export.
    tool_reviewer : str, optional
        Rayyan collaborator whose decisions are taken.
    exclude_reason : str, optional
        Reason code (stage title_abstract) for exclusions the export gives no usable
        reason for.

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        The folder's records cannot be read, the export cannot be read, or exclusions lack
        a reason.
    """
    from reviewlib.screening.load import load_folder

    folder = load_folder(root)
    if not folder.records_complete:
        raise InputError(folder.problems or [Problem(folder.path(L.SOURCES_FILE), None, None,
                                                     "no records to match decisions to")])
    codes = folder.reason_labels(L.TITLE_ABSTRACT)
    if exclude_reason is not None and exclude_reason not in codes:
        raise UsageError(f"--exclude-reason {exclude_reason!r} is not a title_abstract code of "
                         f"{folder.path(L.REASONS_FILE)} (codes: "
                         f"{', '.join(sorted(codes)) or 'none defined'})")
    tool, rows = read_tool_export(path, tool_reviewer)
    kept_of, by_doi, by_title = _index(folder)
    src = str(path)
    result = ImportResult(tool, pd.DataFrame(columns=L.TITLE_ABSTRACT_HEADER))
    out: dict[str, dict] = {}
    line_of: dict[str, int | None] = {}
    missing_reason = []
    for row in rows:
        if not row.decision:
            result.not_screened += 1
            continue
        kept, how = _match(row, kept_of, by_doi, by_title)
        if kept is None:
            result.unmatched.append(Problem(src, row.line, None, f"{_describe(row)}: {how}"))
            continue
        if kept in folder.removed_ids:
            result.unmatched.append(Problem(src, row.line, None, f"{_describe(row)} is record "
                                            f"{kept!r}, removed before screening in "
                                            f"{L.REMOVED_FILE}"))
            continue
        reason = ""
        if row.decision == "exclude":
            reason = _reason_code(row.reason_text, codes) or (exclude_reason or "")
            if not reason:
                missing_reason.append(row.line)
        note = f"imported from {Path(src).name} line {row.line}"
        if row.reason_text and not _reason_code(row.reason_text, codes):
            note += f"; {tool} reason: {row.reason_text}"
        if kept in out:
            first = out[kept]
            if first["decision"] != row.decision:
                if not first["conflict"]:
                    result.unmatched.append(Problem(src, line_of[kept], None, (
                        f"record {kept!r}: this row says {first['decision']}, line {row.line} "
                        f"says {row.decision} about the same record; neither is written")))
                result.unmatched.append(Problem(src, row.line, None, (
                    f"record {kept!r}: this row says {row.decision}, line {line_of[kept]} "
                    f"says {first['decision']} about the same record; neither is written")))
                first["conflict"] = True
            continue
        out[kept] = {"record_id": kept, "decision": row.decision, "reason": reason,
                     "note": note, "conflict": False}
        line_of[kept] = row.line
        result.matched_by[how] += 1
    if missing_reason:
        shown = ", ".join(str(x) for x in missing_reason[:10])
        more = f" and {len(missing_reason) - 10} more" if len(missing_reason) > 10 else ""
        raise InputError(Problem(src, missing_reason[0], None, (
            f"{len(missing_reason)} exclusion(s) without a reason code of reasons.csv (lines "
            f"{shown}{more}); give one with --exclude-reason CODE (codes: "
            f"{', '.join(sorted(codes)) or 'none defined'})")))
    result.unmatched.sort(key=lambda x: x.line or 0)
    kept_rows = [v for v in out.values() if not v["conflict"]]
    result.decisions = pd.DataFrame(kept_rows, columns=[*L.TITLE_ABSTRACT_HEADER, "conflict"]
                                    )[L.TITLE_ABSTRACT_HEADER]
    return result


def _describe(row: ToolRow) -> str:
    what = row.title[:60] + ("..." if len(row.title) > 60 else "") if row.title else "(no title)"
    ident = f"id {row.id!r}, " if row.id else ""
    return f"row ({ident}{what!r})"


# ---------------------------------------------------------------------- writing
def decision_path(root: str | os.PathLike, reviewer: str) -> Path:
    """``root/title_abstract/<reviewer>.csv``; the name must be a plain file name."""
    if not _REVIEWER.match(reviewer) or reviewer.lower().endswith(".csv"):
        raise UsageError(f"reviewer {reviewer!r} must be a plain name (letters, digits, '_', "
                         "'-', '.'), used as the file name without .csv")
    return Path(root) / L.TITLE_ABSTRACT / f"{reviewer}.csv"


def write_decisions(result: ImportResult, root: str | os.PathLike, reviewer: str, *,
                    force: bool = False) -> Path:
    """Write the imported decisions atomically; refuse to replace a file unless ``force``."""
    from reviewlib.io import write_csv

    return write_csv(result.decisions, decision_path(root, reviewer), overwrite=force)


def check_import(root: str | os.PathLike, path: str | os.PathLike, **kw) -> list[Problem]:
    """The rows of an export that would not be imported (``path:line: why``); raises like
    :func:`import_decisions` when the export or the folder cannot be read."""
    return import_decisions(root, path, **kw).unmatched
