"""Canonical CSV output: UTF-8 without BOM, ``\\n`` line ends, RFC 4180 minimal quoting.

Canonical means that the same table always gives the same bytes, so files the tool writes
can be compared with ``diff`` and kept in version control without noise.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from reviewlib.io.atomic import atomic_write

#: Characters that force a cell to be quoted (RFC 4180, section 2, rule 6).
_NEEDS_QUOTES = (",", '"', "\r", "\n")


def _cell(value: object) -> str:
    """One value as canonical CSV text: missing values empty, quotes only where required."""
    if value is None or value is pd.NA or value is pd.NaT:
        text = ""
    elif isinstance(value, float) and math.isnan(value):
        text = ""
    else:
        text = str(value)
    if any(ch in text for ch in _NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


def to_csv_text(frame: pd.DataFrame) -> str:
    """The canonical CSV text of ``frame`` (header + one line per row; the index is dropped).

    Examples
    --------
    >>> import pandas as pd
    >>> to_csv_text(pd.DataFrame({"id": ["a"], "title": ['Say "hi", world']}))
    'id,title\\na,"Say ""hi"", world"\\n'
    """
    lines = [",".join(_cell(c) for c in frame.columns)]
    for row in frame.itertuples(index=False, name=None):
        lines.append(",".join(_cell(v) for v in row))
    return "\n".join(lines) + "\n"


def write_csv(frame: pd.DataFrame, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``frame`` as canonical CSV, atomically.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its column names become the header, the index is not written. Missing
        values (None, NaN, NA) are written as empty cells.
    path : str or pathlib.Path
        Destination; parent folders are created.
    overwrite : bool, default False
        Allow replacing an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OverwriteError
        If ``path`` exists and ``overwrite`` is false; nothing is written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out" / "records.csv"
    >>> frame = pd.DataFrame({"id": ["hung2022"], "pages": ["486--501"], "note": [None]})
    >>> write_csv(frame, out).read_bytes()
    b'id,pages,note\\nhung2022,486--501,\\n'
    """
    return atomic_write(path, to_csv_text(frame), overwrite=overwrite)
