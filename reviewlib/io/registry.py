"""One registry of record readers, chosen by file suffix.

``.txt`` is what both RIS exports and Web of Science's tab-delimited exports are called, so
that suffix looks at the first line to decide.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reviewlib.errors import InputError
from reviewlib.io.bibtex import read_bibtex
from reviewlib.io.csvrecords import read_csv_records
from reviewlib.io.recordset import Records
from reviewlib.io.ris import read_ris
from reviewlib.io.text import lines_of, read_text


def read_txt(path: str | Path) -> Records:
    """Read a ``.txt`` export: RIS, or a tab-delimited table (Web of Science).

    Raises
    ------
    InputError
        For Web of Science's plain-text ("FN ...") format, which is not read; export
        "Tab delimited file" or RIS instead.
    """
    decoded = read_text(path)
    if decoded.text is None:
        raise InputError(decoded.problems)
    first, number = "", 0
    for number, line in enumerate(lines_of(decoded.text), start=1):
        if line.strip():
            first = line
            break
    if first.startswith("FN ") or first.startswith("PT ") and "\t" not in first:
        decoded.error(number, "Web of Science plain-text format is not read; export the "
                              "records as 'Tab delimited file' or as RIS")
        raise InputError(decoded.problems)
    if "\t" in first and not first.startswith("TY  -"):
        return read_csv_records(path, decoded=decoded)
    return read_ris(path, decoded=decoded)


#: File suffix -> reader. Each reader takes a path and returns :class:`Records`.
READERS: dict[str, Callable[[Path], Records]] = {
    ".bib": read_bibtex,
    ".ris": read_ris,
    ".txt": read_txt,
    ".csv": read_csv_records,
    ".tsv": read_csv_records,
}


def read_records(path: str | Path) -> Records:
    """Read a bibliographic export, choosing the reader by the file's suffix.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.bib``, ``.ris``, ``.txt`` (RIS or Web of Science tab-delimited), ``.csv`` or
        ``.tsv`` file.

    Returns
    -------
    Records
        ``frame`` has the columns ``fields.CORE`` + ``source`` (the file name) + every other
        field of the file, all strings (``""`` when missing); plus ``format``,
        ``encoding``, ``delimiter``, ``lines`` and ``notes``.

    Raises
    ------
    InputError
        For an unknown suffix, a file that cannot be opened, or broken content; each
        problem reads ``path:line[:column]: message``.

    Examples
    --------
    >>> recs = read_records("screening/search/scopus.ris")      # doctest: +SKIP
    >>> recs.frame[["id", "title", "year", "doi"]].head()       # doctest: +SKIP
    """
    p = Path(path)
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise InputError.at(p, None, f"unknown file type {p.suffix or '(no suffix)'!r}; "
                                     f"records are read from {known} files")
    return reader(p)
