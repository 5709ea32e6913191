"""One registry of record readers, chosen by file suffix.

``.txt`` is what RIS exports and both Web of Science exports (plain text, tab-delimited) are
called, so for that suffix the first line decides.
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
from reviewlib.io.wos import read_wos_plain


def read_txt(path: str | Path) -> Records:
    """Read a ``.txt`` export: RIS, Web of Science plain text, or a tab-delimited table.

    The first non-blank line decides: ``FN``/``VR``/``PT`` lines are Web of Science plain
    text, a line with tabs is a table (Web of Science "Tab delimited file"), anything else
    is read as RIS.
    """
    decoded = read_text(path)
    if decoded.text is None:
        raise InputError(decoded.problems)
    first, number = "", 0
    for number, line in enumerate(lines_of(decoded.text), start=1):
        if line.strip():
            first = line
            break
    if first.startswith(("FN ", "VR ")) or first.startswith("PT ") and "\t" not in first:
        return read_wos_plain(path, decoded=decoded)
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
        A ``.bib``, ``.ris``, ``.txt`` (RIS, Web of Science plain text or tab-delimited), ``.csv`` or
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
    >>> import pathlib, tempfile
    >>> ris = pathlib.Path(tempfile.mkdtemp()) / "scopus.ris"
    >>> _ = ris.write_text("TY  - JOUR\\nAU  - Hung, K.\\nTI  - E-Commerce Influencers in China\\n"
    ...                    "PY  - 2022\\nDO  - https://doi.org/10.1080/00913367.2021.1990811\\nER  - \\n")
    >>> recs = read_records(ris)
    >>> recs.format, recs.frame.loc[0, ["id", "author", "year", "doi"]].tolist()
    ('ris', ['scopus:1', 'Hung, K.', '2022', '10.1080/00913367.2021.1990811'])
    """
    p = Path(path)
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise InputError.at(p, None, f"unknown file type {p.suffix or '(no suffix)'!r}; "
                                     f"records are read from {known} files")
    return reader(p)
