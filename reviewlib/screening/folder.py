"""The loaded screening folder and the reading helpers every loader shares.

:class:`ScreeningFolder` holds everything read from a folder (sources, records before and
after deduplication, decision files, audit) together with every problem and note found;
:class:`DecisionFile` is one reviewer's file at one stage. ``_read`` reads a table with
:func:`reviewlib.io.read_table` and checks its header exactly; ``_frame`` turns its rows
into strings with their line numbers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd

from reviewlib.errors import InputError, Problem
from reviewlib.io import Table, read_table
from reviewlib.screening import layout as L


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
        A coded file (see :mod:`reviewlib.screening.eligibility`) also has one column per
        criterion and ``criterion`` (the one that decided); its ``decision`` and ``reason``
        are derived from them. Rows whose ``record_id`` is unusable (empty, unknown, merged, repeated) are kept
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
    criteria : list of Criterion
        The protocol's eligibility criteria from ``criteria.csv``, in order (empty when the
        folder has none); see :mod:`reviewlib.screening.eligibility`.
    removed : pandas.DataFrame or None
        ``removed.csv`` when present (``valid`` marks usable rows); ``removed_ids`` the
        kept records it removes before screening.
    rounds : dict of str to int
        Search round of every source except ``previous`` (1 when sources.csv has no
        ``round`` column).
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
    criteria: list = field(default_factory=list)
    removed: pd.DataFrame | None = None
    removed_path: str = ""
    removed_ids: set[str] = field(default_factory=set)
    rounds: dict[str, int] = field(default_factory=dict)
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


def _read(folder: ScreeningFolder, rel: str, header: list[str],
          optional: tuple[str, ...] = ()) -> Table | None:
    """Read one table, record its notes and problems, check its header exactly.

    ``optional`` columns may follow ``header``, in that order. Returns the table when its
    rows can be checked (every expected column present), else ``None``.
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
    allowed = [header + list(optional[:k]) for k in range(len(optional) + 1)]
    if table.header not in allowed:
        line = table.header_line or 1
        missing = [h for h in header if h not in table.header]
        full = header + list(optional)
        extra = [h for h in table.header if h not in full]
        col = next((i + 1 for i, (a, b) in enumerate(zip(table.header, full)) if a != b),
                   min(len(table.header), len(full)) + 1)
        detail = []
        if missing:
            detail.append("missing " + ", ".join(missing))
        if extra:
            detail.append("unexpected " + ", ".join(repr(x) for x in extra))
        if not detail:
            detail.append("columns in another order")
        shown = ",".join(header) + "".join(f"[,{o}]" for o in optional)
        _err(folder, str(table.path), line,
             f"header must be exactly {shown} ({'; '.join(detail)})", col)
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
