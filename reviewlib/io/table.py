"""A tolerant reader for the delimited text tables reviewers keep and databases export.

:func:`read_table` reads a CSV/TSV file the way a reviewer saved it -- from Excel, LibreOffice,
a text editor or a database export -- and reports, rather than hides, everything unusual:

* the encoding is detected (UTF-8, UTF-8 with a byte-order mark, then cp1252, then latin-1),
* the delimiter is detected on the header line (``,``, ``;`` or tab),
* line ends may be ``\\n``, ``\\r\\n`` or a mix, and quoted cells may span several lines,
* every problem is a :class:`~reviewlib.errors.Problem` with the 1-based physical line and
  column (the column is the field number, 1 = first column) so the command line can print
  ``path:line:column: message``.

Reading never raises for bad *content*; it raises :class:`~reviewlib.errors.InputError` only
when the file cannot be opened at all. Callers decide how strict to be with
:meth:`Table.raise_for_problems`.

The parser is a small RFC 4180 state machine written here rather than :mod:`csv`, because the
standard module cannot say on which line a row starts or where a quote was opened.

References
----------
Shafranovich, Y. (2005). Common Format and MIME Type for Comma-Separated Values (CSV) Files.
RFC 4180, IETF.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reviewlib.errors import InputError, Problem
from reviewlib.io.text import DecodedText, read_text

log = logging.getLogger("reviewlib")

#: Excel stores at most 32,767 characters in a cell; a cell of exactly that length was most
#: likely cut off when the file passed through Excel.
EXCEL_CELL_LIMIT = 32_767

#: Candidate delimiters, in order of preference when counts tie.
DELIMITERS = (",", ";", "\t")

#: File suffixes whose delimiter is a tab by convention (no note when a tab is found).
_TAB_SUFFIXES = {".tsv", ".tab", ".txt"}

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


@dataclass
class Table:
    """The content of one delimited text file and everything found while reading it.

    Attributes
    ----------
    path : pathlib.Path
        The file read.
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with a byte-order mark), ``"cp1252"`` or
        ``"latin-1"``.
    delimiter : str
        ``","``, ``";"`` or ``"\\t"``.
    newline : str
        The dominant line end, ``"\\n"`` or ``"\\r\\n"`` (``"\\r"`` for old Mac files).
    header : list of str
        Column names as written, stripped of surrounding whitespace.
    header_line : int or None
        Physical line of the header (1 unless blank lines precede it).
    rows : list of dict of str to str
        One dict per data row, keyed by :attr:`keys`; every value a string, ``""`` when the
        cell is empty (``"NA"`` stays the text ``"NA"``). Short rows are padded with ``""``;
        cells beyond the header are dropped (both are reported in :attr:`problems`).
    lines : list of int
        1-based physical line on which each row starts (a quoted cell may span lines).
    notes : list of Problem
        Things worth knowing that are not errors (``level="note"``): BOM, encoding fallback,
        non-comma delimiter, CRLF line ends, a trailing delimiter, skipped blank lines.
    problems : list of Problem
        Every error found (``level="error"``).

    Notes
    -----
    :attr:`keys` equals :attr:`header` unless the header has blank or repeated names (repeated
    ignoring case, since names are matched that way); then a blank name becomes
    ``"column<N>"`` and a repeated one ``"<name>.<N>"`` (N = its column) so that no cell is
    lost. Both cases are reported as problems.
    """

    path: Path
    encoding: str = "utf-8"
    delimiter: str = ","
    newline: str = "\n"
    header: list[str] = field(default_factory=list)
    header_line: int | None = None
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ recording
    def _note(self, line: int | None, message: str, column: int | None = None) -> None:
        self.notes.append(Problem(str(self.path), line, column, message, level="note"))

    def _error(self, line: int | None, message: str, column: int | None = None) -> None:
        self.problems.append(Problem(str(self.path), line, column, message, level="error"))

    # ------------------------------------------------------------------ public API
    def raise_for_problems(self) -> None:
        """Raise :class:`~reviewlib.errors.InputError` holding every problem, if there is one.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "decisions.csv"
        >>> _ = p.write_text("record_id,decision\\nhung2022,include,yes\\n")
        >>> read_table(p).raise_for_problems()
        Traceback (most recent call last):
        ...
        reviewlib.errors.InputError: ...decisions.csv:2:3: row has 3 fields but the header has 2: unexpected field 'yes'
        """
        if self.problems:
            raise InputError(self.problems)

    def column(self, name: str) -> int:
        """The 1-based column of a header name, for messages.

        The name is matched exactly first, then ignoring case and surrounding whitespace.

        Raises
        ------
        KeyError
            If no column has that name; the message lists the columns there are.
        """
        for i, h in enumerate(self.header):
            if h == name:
                return i + 1
        folded = name.strip().casefold()
        for i, h in enumerate(self.header):
            if h.casefold() == folded:
                return i + 1
        raise KeyError(f"{self.path}: no column {name!r}; columns are {', '.join(self.header)}")

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame of strings (no NA conversion), columns named by :attr:`keys`.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "effects.csv"
        >>> _ = p.write_text("study_id,n,or\\nfitriani2023,11077,NA\\n")
        >>> read_table(p).to_frame().loc[0].tolist()
        ['fitriani2023', '11077', 'NA']
        """
        frame = pd.DataFrame(
            [[row.get(k, "") for k in self.keys] for row in self.rows],
            columns=list(self.keys),
            dtype=str,
        )
        return frame

    def __len__(self) -> int:
        return len(self.rows)


# ---------------------------------------------------------------------- layout sniffing
def _first_line(text: str) -> str:
    """The first non-blank logical line (quotes respected), for delimiter sniffing."""
    out: list[str] = []
    in_quotes = False
    for ch in text:
        if ch == '"':
            in_quotes = not in_quotes
        elif ch in "\r\n" and not in_quotes:
            if "".join(out).strip():
                break
            out = []
            continue
        out.append(ch)
    return "".join(out)


def _delimiter(text: str, table: Table) -> None:
    line = _first_line(text)
    counts = {d: 0 for d in DELIMITERS}
    in_quotes = False
    for ch in line:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    table.delimiter = best if counts[best] else ","
    if table.delimiter == ";":
        table._note(1, "semicolon-delimited (as Excel saves CSV in locales with a decimal comma)")
    elif table.delimiter == "\t" and table.path.suffix.lower() not in _TAB_SUFFIXES:
        table._note(1, "tab-delimited")


# ---------------------------------------------------------------------- parsing
@dataclass
class _Row:
    line: int                      # physical line where the row starts
    cells: list[str]
    cell_lines: list[int]          # physical line where each cell starts
    quoted: bool = False           # some cell of the row was quoted


def _breaks(text: str) -> int:
    """Number of line breaks in ``text`` (``\r\n``, ``\n`` and a lone ``\r`` count once)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _parse(text: str, table: Table) -> list[_Row]:
    """Split ``text`` into rows of cells (RFC 4180), recording quoting problems in ``table``.

    The scanner jumps from one special character to the next with :meth:`str.find` and a
    compiled pattern instead of visiting every character, so a 10 MB export takes well under
    a second.
    """
    d = table.delimiter
    plain = re.compile("[^" + re.escape(d) + '\r\n]*')
    rows: list[_Row] = []
    cells: list[str] = []
    cell_lines: list[int] = []
    line = 1
    row_line = 1
    row_quoted = False
    i, n = 0, len(text)
    while True:
        # ---- one cell starting at i
        cell_line = line
        if i < n and text[i] == '"':
            row_quoted = True
            open_line, open_col = line, len(cells) + 1
            parts: list[str] = []
            j = i + 1
            while True:
                q = text.find('"', j)
                if q < 0:
                    table._error(open_line, "unterminated quote: the quoted cell opened here "
                                            "never closes, so the rest of the file was read "
                                            "into it", open_col)
                    # The unfinished row is dropped: its cells cannot be trusted.
                    return rows
                parts.append(text[j:q])
                if q + 1 < n and text[q + 1] == '"':
                    parts.append('"')
                    j = q + 2
                    continue
                i = q + 1
                break
            value = "".join(parts)
            line += _breaks(value)
            # A line break inside a quoted cell is kept as "\n" whatever the file's line end.
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            if i < n and text[i] not in (d, "\r", "\n"):
                # RFC 4180 allows only a delimiter or a line end after a closing quote.
                table._error(line, f"text {text[i]!r} after the closing quote of a quoted cell "
                                   "(a quote inside a cell must be doubled: \"\")", len(cells) + 1)
                m = plain.match(text, i)
                value += m.group(0)
                i = m.end()
        else:
            m = plain.match(text, i)
            value = m.group(0)
            i = m.end()
        cells.append(value)
        cell_lines.append(cell_line)
        # ---- what ends the cell
        if i >= n:
            if len(cells) > 1 or cells[0] != "" or row_quoted:
                rows.append(_Row(row_line, cells, cell_lines, row_quoted))
            return rows
        ch = text[i]
        if ch == d:
            i += 1
            continue
        # a line end closes the row
        i += 2 if ch == "\r" and i + 1 < n and text[i + 1] == "\n" else 1
        rows.append(_Row(row_line, cells, cell_lines, row_quoted))
        cells, cell_lines, row_quoted = [], [], False
        line += 1
        row_line = line
        if i >= n:
            return rows


def _is_blank(row: _Row) -> bool:
    """A physical line with nothing on it (not even a quoted empty cell)."""
    return len(row.cells) == 1 and row.cells[0] == "" and not row.quoted


# ---------------------------------------------------------------------- building the table
def _build(rows: list[_Row], table: Table, expected: Iterable[str] | None) -> None:
    # Blank physical lines carry no data; skip them (trailing blank lines are common).
    skipped = [r.line for r in rows if _is_blank(r)]
    rows = [r for r in rows if not _is_blank(r)]
    if not rows:
        table._error(None, "the file has no header row (it holds only blank lines)")
        return
    head, body = rows[0], rows[1:]
    inner = [ln for ln in skipped if head.line < ln < (body[-1].line if body else 0)]
    if inner:
        table._note(inner[0], f"{len(inner)} blank line(s) skipped")

    header = [h.strip() for h in head.cells]
    # A trailing delimiter on the header (Web of Science exports end every line with a tab)
    # gives blank trailing names; drop them when no row has data there.
    trailing = 0
    while len(header) - trailing > 1 and header[len(header) - trailing - 1] == "":
        trailing += 1
    if trailing:
        width = len(header) - trailing
        if all(all(c == "" for c in r.cells[width:]) for r in body):
            header = header[:width]
            for r in body:
                del r.cells[width:]
                del r.cell_lines[width:]
            table._note(head.line, "trailing delimiter at the end of lines ignored")
    table.header = header
    table.header_line = head.line

    if all(h == "" for h in header):
        table._error(head.line, "missing header: the first line has no column names")
    else:
        numeric = [(i, h) for i, h in enumerate(header) if _NUMBER.match(h)]
        if numeric:
            i, h = numeric[0]
            table._error(head.line, f"missing header: the first line looks like data "
                                    f"(column {i + 1} is the number {h!r}, not a name)", i + 1)
    if expected is not None:
        wanted = [e for e in expected]
        folded = {h.casefold() for h in header}
        if wanted and not any(e.casefold() in folded for e in wanted):
            table._error(head.line, "missing header: the first line has none of the expected "
                                    f"columns ({', '.join(wanted)})")

    keys: list[str] = []
    seen: dict[str, int] = {}  # case-folded name -> first column; names match ignoring case
    for i, h in enumerate(header):
        col = i + 1
        folded = h.casefold()
        if h == "":
            if len(header) > 1:
                table._error(head.line, "blank column name", col)
            key = f"column{col}"
        elif folded in seen:
            first = seen[folded]
            same = "" if header[first - 1] == h else f" {header[first - 1]!r}"
            table._error(head.line, f"duplicate column name {h!r} (also column {first}{same}; "
                                    "names are matched ignoring case)", col)
            key = f"{h}.{col}"
        else:
            seen[folded] = col
            key = h
        keys.append(key)
    table.keys = keys

    width = len(header)
    for r in body:
        cells, cell_lines = r.cells, r.cell_lines
        if len(cells) != width:
            if len(cells) > width:
                extra = cells[width:]
                table._error(cell_lines[width], f"row has {len(cells)} fields but the header has "
                             f"{width}: unexpected field {cells[width][:40]!r}"
                             + (f" and {len(extra) - 1} more" if len(extra) > 1 else ""),
                             width + 1)
                cells = cells[:width]
            else:
                missing = header[len(cells)] or f"column{len(cells) + 1}"
                table._error(cell_lines[-1], f"row has {len(cells)} field(s) but the header has "
                             f"{width}: {missing!r} and later columns are missing",
                             len(cells) + 1)
                cells = cells + [""] * (width - len(cells))
        for j, c in enumerate(cells):
            if len(c) == EXCEL_CELL_LIMIT:
                table._error(r.cell_lines[j], f"cell has exactly {EXCEL_CELL_LIMIT:,} characters, "
                             "Excel's cell limit: it was probably cut off", j + 1)
        table.rows.append(dict(zip(keys, cells)))
        table.lines.append(r.line)


def read_table(path: str | Path, *, expected: Iterable[str] | None = None) -> Table:
    """Read a delimited text file, tolerating and reporting the quirks of real files.

    Parameters
    ----------
    path : str or pathlib.Path
        The file. Its bytes decide encoding, delimiter and line ends; the name is only used
        to avoid a note for tab-delimited ``.tsv``/``.txt`` files.
    expected : iterable of str, optional
        Column names the caller expects. When given and the first line contains none of them
        (case-insensitive), the table gets a "missing header" problem.

    Returns
    -------
    Table
        Header, rows and their line numbers, plus :attr:`Table.notes` and every problem in
        :attr:`Table.problems`. Content problems never raise here.

    Raises
    ------
    InputError
        Only when the file cannot be opened (missing, a folder, no permission).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "excel.csv"
    >>> _ = p.write_bytes("\\ufeffid;title\\r\\nmolina2022;\\"Determining factors; Mexico\\"\\r\\n".encode())
    >>> t = read_table(p)
    >>> t.encoding, t.delimiter, t.newline, t.rows, t.lines
    ('utf-8-sig', ';', '\\r\\n', [{'id': 'molina2022', 'title': 'Determining factors; Mexico'}], [2])
    >>> [n.message for n in t.notes]       # doctest: +NORMALIZE_WHITESPACE
    ['UTF-8 byte-order mark (BOM) found and removed', 'Windows line ends (CRLF)',
     'semicolon-delimited (as Excel saves CSV in locales with a decimal comma)']
    """
    return table_from_text(read_text(path), expected=expected)


def table_from_text(decoded: DecodedText, *, expected: Iterable[str] | None = None) -> Table:
    """Parse an already decoded file (see :func:`reviewlib.io.text.read_text`) as a table.

    Used by readers that sniff a file's content before deciding it is a table.
    """
    table = Table(path=decoded.path, encoding=decoded.encoding, newline=decoded.newline,
                  notes=list(decoded.notes), problems=list(decoded.problems))
    text = decoded.text
    if text is None:
        return table
    _delimiter(text, table)
    rows = _parse(text, table)
    _build(rows, table, expected)
    table.problems.sort(key=lambda q: (q.line or 0, q.column or 0))
    for note in table.notes:
        log.debug("%s", note)
    return table
