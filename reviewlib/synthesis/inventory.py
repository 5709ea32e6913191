"""List the project's data files for the book's data-availability appendix.

The list is made when the book is built, so a file added to ``screening/`` or
``extraction/`` appears without anyone editing the appendix.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewlib.io.table import read_table
from reviewlib.synthesis.paths import project_root

#: Folders listed by default, relative to the project root.
DATA_FOLDERS = ("screening", "extraction")

#: Suffixes read as tables (rows and columns are counted).
TABLE_SUFFIXES = {".csv", ".tsv"}


def data_inventory(root: str | Path | None = None,
                   folders: tuple[str, ...] = DATA_FOLDERS) -> pd.DataFrame:
    """Every file under the data folders, with its size and, for tables, rows and columns.

    Parameters
    ----------
    root : str or pathlib.Path, optional
        The project folder or a folder below it (default: the current directory).
    folders : tuple of str
        Folders to list recursively. Hidden files and folders are skipped.

    Returns
    -------
    pandas.DataFrame
        Columns ``file`` (path relative to the root, with ``/``), ``bytes``, ``rows`` and
        ``columns`` (empty for files that are not tables, and ``unreadable`` for a table
        whose layout has problems), sorted by path.

    Examples
    --------
    >>> data_inventory().columns.tolist()          # doctest: +SKIP
    ['file', 'bytes', 'rows', 'columns']
    """
    base = project_root(root)
    records = []
    for folder in folders:
        top = base / folder
        if not top.is_dir():
            continue
        for path in sorted(top.rglob("*")):
            rel = path.relative_to(base)
            if not path.is_file() or any(p.startswith(".") for p in rel.parts):
                continue
            rows = cols = ""
            if path.suffix.lower() in TABLE_SUFFIXES:
                table = read_table(path)
                if table.problems:
                    rows = cols = "unreadable"
                else:
                    rows, cols = str(len(table)), str(len(table.header))
            records.append({"file": rel.as_posix(), "bytes": str(path.stat().st_size),
                            "rows": rows, "columns": cols})
    return pd.DataFrame(records, columns=["file", "bytes", "rows", "columns"], dtype=str)
