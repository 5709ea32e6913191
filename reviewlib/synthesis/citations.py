"""Check that every citation key in the data files exists in ``references.bib``.

Sphinx already fails the build on an unknown ``{cite}`` key in a chapter. Keys inside data
files never pass through Sphinx, so the book calls :func:`check_data_citations` while it
executes: a data file that cites a work missing from the bibliography raises
:class:`~reviewlib.errors.InputError`, the notebook cell fails, and with
``allow_errors: false`` the build fails with the file, line and column of the bad key.
"""

from __future__ import annotations

import re

from collections.abc import Iterable, Mapping
from pathlib import Path

from reviewlib.errors import InputError, Problem
from reviewlib.io.table import Table, read_table

#: ``{cite}`key1,key2``` and its variants (``{cite:p}``, ``{cite:t}``, ``{cite:ps}`` ...)
#: in a MyST chapter; group 1 holds the comma-separated keys.
CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")

#: Columns whose cells hold ";"-joined citation keys, wherever they appear in a data file
#: (``reports`` of studies.csv lists every report of a study).
CITATION_COLUMNS = ("sources", "report", "reports")

#: Folders (relative to the project root) whose CSV files are checked by default.
DATA_FOLDERS = ("extraction",)


def split_keys(cell: str) -> list[str]:
    """The citation keys in one cell: ``"a2020x; b2021y"`` gives ``["a2020x", "b2021y"]``.

    Examples
    --------
    >>> split_keys(" chen2023role ;hung2022ecommerce;")
    ['chen2023role', 'hung2022ecommerce']
    """
    return [k.strip() for k in cell.split(";") if k.strip()]


def table_citation_problems(table: Table, keys: Iterable[str] | Mapping[str, object],
                            columns: Iterable[str] = CITATION_COLUMNS,
                            required: bool = False) -> list[Problem]:
    """Every cited key in ``table`` that is not among ``keys``, as located problems.

    Parameters
    ----------
    table : reviewlib.io.table.Table
        A table read with :func:`~reviewlib.io.table.read_table`.
    keys : iterable of str
        The keys of ``references.bib``.
    columns : iterable of str
        The citation columns to check; those the table lacks are skipped.
    required : bool
        When true, an empty citation cell is a problem too (every row must name a source).

    Returns
    -------
    list of Problem
        One per unknown key (and per empty cell when ``required``), with line and column.
    """
    known = set(keys)
    problems: list[Problem] = []
    for name in columns:
        if name not in table.keys:
            continue
        col = table.keys.index(name) + 1
        for row, line in zip(table.rows, table.lines):
            cited = split_keys(row[name])
            if required and not cited:
                problems.append(Problem(str(table.path), line, col,
                                        f"{name!r} is empty: every row must cite its source"))
            for key in cited:
                if key not in known:
                    problems.append(Problem(str(table.path), line, col,
                                            f"citation key {key!r} is not in references.bib"))
    return problems


def check_data_citations(root: str | Path, keys: Iterable[str] | Mapping[str, object],
                         folders: Iterable[str] = DATA_FOLDERS) -> list[Path]:
    """Check the citation columns of every CSV file under ``folders`` of a project.

    Parameters
    ----------
    root : str or pathlib.Path
        The project folder.
    keys : iterable of str
        The keys of ``references.bib`` (e.g. the dict :func:`~reviewlib.synthesis.bib.read_bib`
        returns).
    folders : iterable of str
        Folders to search recursively for ``*.csv`` files.

    Returns
    -------
    list of pathlib.Path
        The files that have at least one citation column (all of them passed).

    Raises
    ------
    InputError
        Listing every unknown key, and every file that cannot be parsed, as
        ``path:line:column: message``.

    Examples
    --------
    >>> from reviewlib.synthesis.bib import read_bib
    >>> check_data_citations(".", read_bib("references.bib"))   # doctest: +SKIP
    """
    root = Path(root)
    known = set(keys)
    problems: list[Problem] = []
    checked: list[Path] = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*.csv")):
            table = read_table(path)
            if not any(c in table.keys for c in CITATION_COLUMNS):
                continue
            problems.extend(table.problems)
            problems.extend(table_citation_problems(table, known))
            checked.append(path)
    if problems:
        raise InputError(problems)
    return checked
