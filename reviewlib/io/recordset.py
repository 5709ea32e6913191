"""The result of reading one bibliographic export, and the last step every reader shares.

Readers work in three steps (read raw, clean, build records): each format module does the
first two and hands a list of field dicts to :func:`assemble`, which gives every record its
id, checks ids are unique, and builds the frame with the core columns in canonical order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reviewlib.errors import InputError, Problem
from reviewlib.io.text import DecodedText
from reviewlib.records import Record, YearError, fields, parse_year

#: Columns every records frame has, in this order (then any extra fields).
COLUMNS = [*fields.CORE, fields.SOURCE]


@dataclass
class Records:
    """The records of one file.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per record: the columns :data:`COLUMNS` (``fields.CORE`` + ``source``), then
        every other field the file had. All cells are strings, ``""`` when missing.
    path : pathlib.Path
        The file read; ``source`` holds its name.
    format : str
        ``"bibtex"``, ``"ris"``, ``"csv"``, ``"tsv"``, ``"scopus-csv"`` or ``"wos-tab"``.
    encoding : str
        As detected (see :func:`reviewlib.io.text.read_text`).
    delimiter : str or None
        For tables; ``None`` for BibTeX and RIS.
    lines : list of int
        1-based line on which each record starts (same order as ``frame``).
    notes : list of Problem
        Things noticed that did not stop reading (``level="note"``): BOM, encoding fallback,
        years that are not years, ...
    """

    frame: pd.DataFrame
    path: Path
    format: str
    encoding: str = "utf-8"
    delimiter: str | None = None
    lines: list[int] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.frame)

    def to_records(self) -> list[Record]:
        """The rows as :class:`~reviewlib.records.Record` objects (extra fields in ``extra``)."""
        return [Record.from_dict(row) for row in self.frame.to_dict("records")]


def clean_year(value: str, decoded: DecodedText, line: int | None,
               column: int | None = None) -> str:
    """The four-digit year of ``value``; ``""`` with a note when it holds none."""
    try:
        return parse_year(value)
    except YearError as e:
        decoded.note(line, f"{e}; the year is left empty", column)
        return ""


def assemble(decoded: DecodedText, fmt: str, items: list[dict[str, str]], lines: list[int], *,
             delimiter: str | None = None) -> Records:
    """Build :class:`Records` from cleaned field dicts; raise if any problem was recorded.

    Parameters
    ----------
    decoded : DecodedText
        The file as read, carrying the notes and problems found so far.
    fmt : str
        Format name for :attr:`Records.format`.
    items : list of dict
        One dict per record, keyed by field name (core names from
        :mod:`reviewlib.records.fields`, other names as the reader chose).
    lines : list of int
        Start line of each record.
    delimiter : str, optional
        For tables.

    Raises
    ------
    InputError
        With every problem recorded in ``decoded`` plus duplicate ids, sorted by line.
    """
    path = decoded.path
    stem = path.stem
    seen: dict[str, int] = {}
    rows: list[dict[str, str]] = []
    for n, (item, line) in enumerate(zip(items, lines), start=1):
        rid = (item.get(fields.ID) or "").strip() or f"{stem}:{n}"
        if rid in seen:
            decoded.error(line, f"duplicate id {rid!r} (first used on line {seen[rid]})")
        else:
            seen[rid] = line
        row = {k: ("" if v is None else str(v)) for k, v in item.items()}
        row[fields.ID] = rid
        row[fields.SOURCE] = path.name
        rows.append(row)
    if decoded.problems:
        raise InputError(sorted(decoded.problems, key=lambda p: (p.line or 0, p.column or 0)))
    extra: list[str] = []
    for row in rows:
        for k in row:
            if k not in COLUMNS and k not in extra:
                extra.append(k)
    columns = COLUMNS + extra
    frame = pd.DataFrame([[row.get(c, "") for c in columns] for row in rows],
                         columns=columns, dtype=str)
    return Records(frame=frame, path=path, format=fmt, encoding=decoded.encoding,
                   delimiter=delimiter, lines=list(lines), notes=list(decoded.notes))
