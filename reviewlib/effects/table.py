"""Loading ``extraction/effects.csv``: one row per reported effect, statistics as printed.

The file's columns (**contract**, in this order)::

    effect_id,study_id,report,location,model,sample,exposure,outcome,measure,estimate,
    odds_ratio,sample_mean,se,ci_low,ci_high,ci_level,t,df,p,n,note

``effect_id``    unique in the file
``study_id``     the study (several reports may describe one study)
``report``       BibTeX key of the document the numbers were taken from
``location``     where they are printed, e.g. ``Table 4, Java, Model I, cos_man``
``model``        the model as the report names it (``Model I``)
``sample``       the (sub)sample: ``full``, ``Java``, ``outside Java``, ``trade (G)`` ...
``exposure``, ``outcome``   construct names
``measure``      what ``estimate`` is; one of :data:`MEASURES`
``estimate`` ... ``n``      the statistics exactly as printed (see :mod:`.parsing`)
``note``         free text

Structural problems (header, unknown measure, missing identifiers, repeated effect_id) stop
loading with an :class:`~reviewlib.errors.InputError` naming ``path:line:column``. Numbers are
not judged here: :func:`reviewlib.effects.check` reports on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from reviewlib.errors import InputError, Problem
from reviewlib.io import read_table

from .parsing import Printed, parse_printed

#: The columns of effects.csv, in order (**contract**).
COLUMNS = ("effect_id", "study_id", "report", "location", "model", "sample", "exposure",
           "outcome", "measure", "estimate", "odds_ratio", "sample_mean", "se", "ci_low",
           "ci_high", "ci_level", "t", "df", "p", "n", "note")

#: What ``estimate`` may be, with a one-line meaning each.
MEASURES: dict[str, str] = {
    "logit_coef": "logistic-regression coefficient (a log odds ratio, possibly adjusted)",
    "log_odds_ratio": "natural log of an odds ratio",
    "odds_ratio": "odds ratio",
    "path_coef": "standardised PLS/SEM path coefficient",
    "beta": "standardised regression coefficient",
    "r": "Pearson correlation",
    "partial_r": "partial correlation",
    "fisher_z": "Fisher's z of a correlation",
    "d": "standardised mean difference (Cohen's d)",
    "g": "standardised mean difference with small-sample correction (Hedges' g)",
}

#: Columns that must not be blank.
REQUIRED = ("effect_id", "study_id", "report", "measure")

#: Columns holding printed numbers, and how each is read (see :func:`parse_printed`).
NUMERIC: dict[str, str] = {
    "estimate": "number", "odds_ratio": "number", "sample_mean": "number", "se": "number",
    "ci_low": "number", "ci_high": "number", "ci_level": "number", "t": "number",
    "df": "count", "p": "p", "n": "count",
}


@dataclass(frozen=True)
class EffectRow:
    """One row of effects.csv, every cell the string in the file, plus its line."""

    effect_id: str
    study_id: str
    report: str
    location: str
    model: str
    sample: str
    exposure: str
    outcome: str
    measure: str
    estimate: str
    odds_ratio: str
    sample_mean: str
    se: str
    ci_low: str
    ci_high: str
    ci_level: str
    t: str
    df: str
    p: str
    n: str
    note: str
    line: int = 0

    def printed(self, column: str) -> Printed:
        """The cell ``column`` read by :func:`parse_printed` with the column's kind."""
        return parse_printed(getattr(self, column), NUMERIC[column])


@dataclass
class EffectsTable:
    """The rows of an effects file, each knowing its line, and the reader's notes.

    Attributes
    ----------
    path : pathlib.Path
        The file read (or a label for tables built in memory).
    rows : list of EffectRow
    notes : list of Problem
        Things the reader noticed that are not errors (BOM, delimiter, line ends).
    """

    path: Path
    rows: list[EffectRow] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def column(self, name: str) -> int:
        """1-based column number of ``name`` (for messages)."""
        return COLUMNS.index(name) + 1

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame of strings plus an integer ``line`` column."""
        names = [f.name for f in fields(EffectRow)]
        return pd.DataFrame([[getattr(r, k) for k in names] for r in self.rows],
                            columns=names).astype({k: "str" for k in COLUMNS})

    @classmethod
    def from_records(cls, records: list[dict[str, str]], path: str | Path = "<memory>",
                     first_line: int = 2) -> "EffectsTable":
        """Build and validate a table from dicts (missing keys are blank), for tests and notebooks.

        Rows get line numbers ``first_line, first_line + 1, ...`` as if read from a file.
        """
        rows = [{c: str(rec.get(c, "")) for c in COLUMNS} for rec in records]
        lines = list(range(first_line, first_line + len(rows)))
        return _validate(Path(path), rows, lines, notes=[])


def load_effects(path: str | Path) -> EffectsTable:
    """Read and validate an effects file.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV (comma, semicolon or tab delimited; encodings and line ends as
        :func:`reviewlib.io.table.read_table` accepts them).

    Returns
    -------
    EffectsTable

    Raises
    ------
    InputError
        With every problem found: unreadable file, header not exactly :data:`COLUMNS`,
        a row with the wrong number of cells, a blank effect_id/study_id/report/measure, an
        unknown measure, a repeated effect_id. Each names ``path:line:column``.

    Examples
    --------
    >>> table = load_effects("extraction/effects.csv")          # doctest: +SKIP
    >>> table.rows[0].line, table.rows[0].measure                 # doctest: +SKIP
    (2, 'logit_coef')
    """
    p = Path(path)
    raw = read_table(p, expected=COLUMNS)
    problems = list(raw.problems)
    header = list(raw.header)
    if header and header != list(COLUMNS):
        problems.extend(_header_problems(p, raw.header_line or 1, header))
    elif header:
        # the columns are right: check the cells of every row too (a ragged row comes back
        # trimmed or padded), so that one run lists all the problems, not only the first kind
        try:
            table = _validate(p, raw.rows, raw.lines, notes=list(raw.notes))
        except InputError as e:
            problems.extend(e.problems)
        else:
            if not problems:
                return table
    if problems:
        raise InputError(sorted(problems, key=lambda q: (q.line or 0, q.column or 0)))
    return _validate(p, raw.rows, raw.lines, notes=list(raw.notes))


def _header_problems(path: Path, line: int, header: list[str]) -> list[Problem]:
    out = []
    expected = list(COLUMNS)
    for i, name in enumerate(header):
        if name not in COLUMNS:
            close = [c for c in COLUMNS if c.casefold() == name.strip().casefold()]
            hint = f" (did you mean {close[0]!r}? names are case-sensitive)" if close else ""
            out.append(Problem(str(path), line, i + 1, f"unexpected column {name!r}{hint}"))
    missing = [c for c in expected if c not in header]
    if missing:
        out.append(Problem(str(path), line, None, "missing column(s): " + ", ".join(missing)))
    if not out:
        for i, (got, want) in enumerate(zip(header, expected)):
            if got != want:
                out.append(Problem(str(path), line, i + 1,
                                   f"column {i + 1} is {got!r} but must be {want!r}; the "
                                   "columns must be, in order: " + ",".join(expected)))
                break
    return out


def _validate(path: Path, rows: list[dict[str, str]], lines: list[int],
              notes: list[Problem]) -> EffectsTable:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    out: list[EffectRow] = []
    col = {c: i + 1 for i, c in enumerate(COLUMNS)}
    for cells, line in zip(rows, lines):
        values = {c: (cells.get(c) or "").strip() for c in COLUMNS}
        for c in REQUIRED:
            if not values[c]:
                problems.append(Problem(str(path), line, col[c], f"{c} is blank"))
        m = values["measure"]
        if m and m not in MEASURES:
            problems.append(Problem(str(path), line, col["measure"],
                                    f"unknown measure {m!r}; allowed: {', '.join(MEASURES)}"))
        eid = values["effect_id"]
        if eid:
            if eid in seen:
                problems.append(Problem(str(path), line, col["effect_id"],
                                        f"effect_id {eid!r} repeats line {seen[eid]}"))
            else:
                seen[eid] = line
        out.append(EffectRow(**values, line=line))
    if problems:
        raise InputError(problems)
    return EffectsTable(path=path, rows=out, notes=notes)
