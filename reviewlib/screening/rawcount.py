"""Count the records of an export file from its text, without the record parsers.

``screen check`` and the PRISMA identities compare this count with the number of records
the parsers returned, so a record a parser silently lost (an entry it could not split, a
row it skipped) shows up as a mismatch instead of vanishing from the diagram.

Formats and what is counted:

* RIS (``.ris``, and ``.txt`` read as RIS): lines that open a record, ``TY  -``;
* BibTeX (``.bib``): ``@type{`` or ``@type(`` openings at the start of a line, except
  ``@comment``, ``@string`` and ``@preamble``;
* Web of Science plain text (``.txt`` starting with ``FN``/``VR``/``PT``): ``PT`` lines;
* CSV/TSV (and tab-delimited ``.txt``): data rows of the table that hold a non-blank cell.
"""

from __future__ import annotations

import re
from pathlib import Path

from reviewlib.errors import InputError
from reviewlib.io.text import lines_of, read_text

__all__ = ["count_entries"]

_RIS_START = re.compile(r"^\s*TY  -")
_BIB_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]")
_BIB_NOT_ENTRY = {"comment", "string", "preamble"}


def _table_rows(path: Path) -> int | None:
    from reviewlib.io import read_table

    try:
        table = read_table(path)
    except InputError:
        return None
    return sum(1 for row in table.rows if any(v.strip() for v in row.values()))


def count_entries(path: str | Path) -> int | None:
    """Records in one export, counted from its text (``None`` when it cannot be read).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.ris"
    >>> _ = p.write_text("TY  - JOUR\\nTI  - A\\nER  - \\n\\nTY  - JOUR\\nTI  - B\\nER  - \\n")
    >>> count_entries(p)
    2
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return _table_rows(p)
    try:
        decoded = read_text(p)
    except InputError:
        return None
    if decoded.text is None:
        return None
    lines = list(lines_of(decoded.text))
    if suffix == ".bib":
        return sum(1 for ln in lines
                   if (m := _BIB_START.match(ln)) and m.group(1).lower() not in _BIB_NOT_ENTRY)
    if suffix == ".ris":
        return sum(1 for ln in lines if _RIS_START.match(ln))
    if suffix == ".txt":
        first = next((ln for ln in lines if ln.strip()), "")
        if first.startswith(("FN ", "VR ")) or first.startswith("PT ") and "\t" not in first:
            return sum(1 for ln in lines if ln.startswith("PT "))
        if "\t" in first and not first.startswith("TY  -"):
            return _table_rows(p)
        return sum(1 for ln in lines if _RIS_START.match(ln))
    return None
