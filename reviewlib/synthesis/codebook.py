"""The review's codebook: every coded dimension, its codes and their wording, kept as data.

A review declares the codes its data files may use in ``extraction/review/codebook.csv``::

    dimension,code,label,description,order
    driver,cbec,Cross-border e-commerce,selling online across borders,1
    driver,influencer,Influencer marketing,...,2
    region,Southeast Asia,Southeast Asia,...,2
    design,quantitative,Quantitative,...,1

``order`` (an integer) sets the order codes are shown in within a dimension (for drivers,
the order of the ecosystem's stages); ties keep the file's order. Adding a code is adding a
row: the tables, figures and labels of the book follow.

Which data columns take codes from which dimension is declared in :data:`CODED_COLUMNS`
(``extraction/studies.csv``) and in the ``vocab`` of each
:class:`~reviewlib.synthesis.review.TableSpec`. A review without a codebook gets the
packaged default (``reviewlib/synthesis/codebook_default.csv``: the four drivers, regions,
designs and kinds of ecosystem link of the example review).

:func:`load_codebook` reads and checks the file (``path:line:column`` problems);
:func:`check_codebook` also checks every coded cell of the data files against it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from reviewlib.errors import InputError, Problem
from reviewlib.io.table import read_table
from reviewlib.synthesis.citations import split_keys
from reviewlib.synthesis.paths import project_root

#: The review's codebook, relative to the project root.
CODEBOOK_FILE = Path("extraction") / "review" / "codebook.csv"
#: Used when a review has no codebook of its own.
DEFAULT_CODEBOOK = Path(__file__).with_name("codebook_default.csv")
CODEBOOK_HEADER = ("dimension", "code", "label", "description", "order")

#: Coded columns of ``extraction/studies.csv``: column -> (dimension, several codes allowed).
CODED_COLUMNS: dict[str, tuple[str, bool]] = {
    "drivers": ("driver", True),
    "region": ("region", False),
    "design": ("design", False),
}


@dataclass
class Codebook:
    """Codes and labels per dimension, in display order.

    Attributes
    ----------
    path : str
        The file read (the packaged default when the review has none).
    entries : dict of str to list of (code, label, description)
        Per dimension, in display order.
    lines : dict of (dimension, code) to int
        The file line of each code, for messages.
    """

    path: str
    entries: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    lines: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(self.entries)

    def codes(self, dimension: str) -> tuple[str, ...]:
        """The codes of ``dimension`` in display order (empty when it is not declared)."""
        return tuple(c for c, _, _ in self.entries.get(dimension, []))

    def labels(self, dimension: str) -> dict[str, str]:
        """code -> label for ``dimension``."""
        return {c: lab for c, lab, _ in self.entries.get(dimension, [])}

    def descriptions(self, dimension: str) -> dict[str, str]:
        """code -> description for ``dimension``."""
        return {c: d for c, _, d in self.entries.get(dimension, [])}

    def unknown(self, dimension: str, cell: str, *, several: bool) -> list[str]:
        """Codes in ``cell`` that ``dimension`` does not declare (";"-joined when
        ``several``), each with the message that names the allowed codes."""
        allowed = self.codes(dimension)
        values = split_keys(cell) if several else ([cell.strip()] if cell.strip() else [])
        return [f"{v!r} is not a {dimension} code of {self.path} "
                f"({', '.join(allowed) or 'none declared'})"
                for v in values if v not in allowed]


def read_codebook(path: str | os.PathLike) -> tuple[Codebook, list[Problem]]:
    """Read a codebook file; problems are returned, never raised.

    Checks: the header; non-empty dimension, code and label; ``order`` an integer (or
    empty); no code twice in one dimension; no ``;`` in a code (it separates codes in a
    cell). A codebook with a header and no rows is valid: a new review declares no codes
    yet, and a coded cell that is filled is then an error.
    """
    path_s = os.fspath(path)
    table = read_table(path_s, expected=CODEBOOK_HEADER)
    problems = list(table.problems)
    book = Codebook(path=path_s)
    if not table.header:
        return book, problems
    missing = [h for h in CODEBOOK_HEADER if h not in table.keys]
    if missing:
        problems.append(Problem(path_s, table.header_line or 1, None,
                                f"missing column(s) {', '.join(missing)}; the codebook needs "
                                f"{', '.join(CODEBOOK_HEADER)}"))
        return book, problems
    col = table.column
    rows: dict[str, list[tuple[int, int, str, str, str]]] = {}
    for i, (row, line) in enumerate(zip(table.rows, table.lines)):
        cells = {h: (row.get(h) or "").strip() for h in CODEBOOK_HEADER}
        bad = False
        for h in ("dimension", "code", "label"):
            if not cells[h]:
                problems.append(Problem(path_s, line, col(h), f"{h!r} is empty"))
                bad = True
        if ";" in cells["code"]:
            problems.append(Problem(path_s, line, col("code"),
                                    f"code {cells['code']!r} contains ';', which separates "
                                    "codes in a cell"))
            bad = True
        order = 0
        if cells["order"]:
            try:
                order = int(cells["order"])
            except ValueError:
                problems.append(Problem(path_s, line, col("order"),
                                        f"order {cells['order']!r} is not a whole number"))
        key = (cells["dimension"], cells["code"])
        if not bad and key in book.lines:
            problems.append(Problem(path_s, line, col("code"),
                                    f"code {key[1]!r} of dimension {key[0]!r} already declared "
                                    f"on line {book.lines[key]}"))
            bad = True
        if bad:
            continue
        book.lines[key] = line
        rows.setdefault(key[0], []).append((order, i, key[1], cells["label"],
                                            cells["description"]))
    for dim, items in rows.items():
        book.entries[dim] = [(c, lab, d) for _, _, c, lab, d in sorted(items)]
    return book, problems


def codebook_path(root: str | Path | None = None) -> Path:
    """The review's codebook, or the packaged default when the review has none."""
    path = project_root(root) / CODEBOOK_FILE
    return path if path.is_file() else DEFAULT_CODEBOOK


def load_codebook(root: str | Path | None = None, *,
                  path: str | Path | None = None) -> Codebook:
    """Read and check the codebook of the project at or above ``root``.

    Parameters
    ----------
    root : str or pathlib.Path, optional
        The project folder or a folder below it (default: the current directory).
    path : str or pathlib.Path, optional
        Read this file instead.

    Raises
    ------
    InputError
        Every problem of the file, at ``path:line:column``.

    Examples
    --------
    >>> book = load_codebook()                  # doctest: +SKIP
    >>> book.codes("driver")                    # doctest: +SKIP
    ('cbec', 'influencer', 'ugc', 'personal_shopper')
    """
    book, problems = read_codebook(path if path is not None else codebook_path(root))
    if problems:
        raise InputError(problems)
    return book


def default_codebook() -> Codebook:
    """The packaged default codebook (for frames that carry none)."""
    return load_codebook(path=DEFAULT_CODEBOOK)


def coded_cell_problems(table, book: Codebook,
                        columns: dict[str, tuple[str, bool]]) -> list[Problem]:
    """Problems of the coded cells of one table (a :class:`~reviewlib.io.Table`).

    ``columns`` maps a column to its (dimension, several codes allowed); columns the table
    lacks are skipped (their absence is the table loader's to report).
    """
    out = []
    for name, (dim, several) in columns.items():
        if name not in table.keys:
            continue
        c = table.keys.index(name) + 1
        for row, line in zip(table.rows, table.lines):
            for msg in book.unknown(dim, row.get(name) or "", several=several):
                out.append(Problem(str(table.path), line, c, msg))
    return out


def check_codebook(root: str | Path | None = None) -> list[Problem]:
    """Every problem of the codebook and of the coded cells of the data files.

    Checks ``extraction/review/codebook.csv`` (or the packaged default), the coded columns
    of ``extraction/studies.csv`` (:data:`CODED_COLUMNS`) and the coded columns of every
    review table present in ``extraction/review/``. Returns the problems (empty = clean);
    never raises for bad content.
    """
    from reviewlib.synthesis.review import REVIEW_DIR, REVIEW_TABLES

    base = project_root(root)
    book, problems = read_codebook(codebook_path(base))
    studies = base / "extraction" / "studies.csv"
    if studies.is_file():
        problems += coded_cell_problems(read_table(studies), book, CODED_COLUMNS)
    for spec in REVIEW_TABLES.values():
        path = base / REVIEW_DIR / spec.file
        dims = {c: (v, True) for c, v in spec.vocab.items() if isinstance(v, str)}
        if path.is_file() and dims:
            problems += coded_cell_problems(read_table(path), book, dims)
    problems.sort(key=lambda p: (p.path, p.line or 0, p.column or 0))
    return problems
