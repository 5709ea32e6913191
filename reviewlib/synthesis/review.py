"""The review's own tables, kept as data in ``extraction/review/``, and their validation.

Each table the review reports (objectives, protocol, search strategy, ecosystem stages and
feedback loops, synergy mechanisms, regional comparison, systemic risks, research gaps and
agenda) is one CSV file. :data:`REVIEW_TABLES` describes each file: its columns, which
column identifies a row, and which cells take values from a fixed vocabulary.
:func:`load_review_table` reads a file with :func:`~reviewlib.io.table.read_table`, checks
it against its description, the review's codebook (:mod:`reviewlib.synthesis.codebook`) and
``references.bib``, and returns a DataFrame of strings; any problem raises
:class:`~reviewlib.errors.InputError` with file, line and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from reviewlib.errors import InputError, Problem, UsageError
from reviewlib.io.table import read_table
from reviewlib.synthesis.bib import BibEntry, read_bib
from reviewlib.synthesis.citations import split_keys, table_citation_problems
from reviewlib.synthesis.codebook import coded_cell_problems, default_codebook, load_codebook
from reviewlib.synthesis.paths import project_root

#: Folder of the review's tables, relative to the project root.
REVIEW_DIR = Path("extraction") / "review"

#: The drivers of the packaged default codebook, in the order of the ecosystem's stages.
#: A review's own drivers come from its ``extraction/review/codebook.csv``
#: (``load_codebook(root).codes("driver")``); the synthesis functions read them from there.
DRIVERS = default_codebook().codes("driver")

#: Display names of the default drivers (``load_codebook(root).labels("driver")``).
DRIVER_LABELS = default_codebook().labels("driver")


@dataclass(frozen=True)
class TableSpec:
    """What one review table must look like.

    Attributes
    ----------
    file : str
        File name inside ``extraction/review/``.
    title : str
        What the table holds, for captions and the data appendix.
    columns : tuple of str
        Required columns, in display order; every cell must be filled.
    key : str
        Column whose values must be unique.
    optional : tuple of str
        Columns that may be absent or empty.
    vocab : dict of str to str or tuple of str
        Columns whose ";"-joined values must come from a dimension of the codebook (a str,
        e.g. ``"driver"``) or from a fixed list (a tuple).
    """

    file: str
    title: str
    columns: tuple[str, ...]
    key: str
    optional: tuple[str, ...] = ()
    vocab: dict[str, str | tuple[str, ...]] = field(default_factory=dict)


REVIEW_TABLES: dict[str, TableSpec] = {
    "objectives": TableSpec(
        "objectives.csv", "Objectives of the review (its Table 1)",
        ("id", "objective", "scope", "sources"), "id"),
    "protocol": TableSpec(
        "protocol.csv", "Protocol facts: guideline, databases, period, eligibility, coverage",
        ("item", "value", "sources"), "item", optional=("note",)),
    "search_strings": TableSpec(
        "search_strings.csv", "The four search configurations (a) to (d)",
        ("string", "focus", "concepts", "drivers", "sources"), "string",
        vocab={"drivers": "driver"}),
    "ecosystem_nodes": TableSpec(
        "ecosystem_nodes.csv", "Stages of the ecosystem pipeline (its Figure 2)",
        ("node", "stage", "stage_name", "label", "functions", "sources"), "node",
        vocab={"node": "driver"}),
    "ecosystem_edges": TableSpec(
        "ecosystem_edges.csv", "Forward flows and feedback loops between stages (its Figure 2)",
        ("edge", "from_node", "to_node", "kind", "carries", "sources"), "edge",
        vocab={"from_node": "driver", "to_node": "driver", "kind": "link"}),
    "synergies": TableSpec(
        "synergies.csv", "Inter-driver synergy mechanisms (its Table 2)",
        ("pairing", "drivers", "mechanism", "effect", "sources"), "pairing",
        vocab={"drivers": "driver"}),
    "regional_comparison": TableSpec(
        "regional_comparison.csv", "China and Southeast Asia compared (its Table 3)",
        ("feature", "china", "southeast_asia", "sources"), "feature"),
    "risks": TableSpec(
        "risks.csv", "Systemic risks and mitigations (its Table 4)",
        ("risk", "manifestation", "most_affected", "mitigation", "sources"), "risk"),
    "gaps": TableSpec(
        "gaps.csv", "Methodological gaps and recommended research (its Table 5)",
        ("gap", "description", "direction", "sources"), "gap"),
    "agenda": TableSpec(
        "agenda.csv", "The proposed research and policy agenda",
        ("theme", "proposal", "audience", "sources"), "theme"),
}


def _spec(name: str) -> TableSpec:
    try:
        return REVIEW_TABLES[name]
    except KeyError:
        raise UsageError(f"no review table {name!r}; the tables are "
                         f"{', '.join(REVIEW_TABLES)}") from None


def load_bib(root: str | Path | None = None, *, support: bool = True) -> dict[str, BibEntry]:
    """Read ``references.bib`` of the project at or above ``root`` (default: the cwd).

    Parameters
    ----------
    root : str or pathlib.Path, optional
        The project folder or any folder below it.
    support : bool
        Attach to each entry the review's verdict on the work
        (:func:`~reviewlib.synthesis.support.citation_support`, read from ``screening/``),
        so that tables mark citations of works found out of scope or unclear. This reads
        and checks the screening folder; pass ``False`` when only labels are needed.

    Raises
    ------
    InputError
        When the bibliography, or (with ``support``) the screening folder, has problems.

    Examples
    --------
    >>> bib = load_bib()          # doctest: +SKIP
    """
    base = project_root(root)
    entries = read_bib(base / "references.bib")
    if not support:
        return entries
    from reviewlib.synthesis.support import citation_support

    verdicts = citation_support(base)
    return {k: replace(e, support=verdicts.get(k)) for k, e in entries.items()}


def load_review_table(name: str, root: str | Path | None = None, *,
                      bib: Mapping[str, BibEntry] | None = None) -> pd.DataFrame:
    """Load and validate one of the review's tables.

    Parameters
    ----------
    name : str
        A key of :data:`REVIEW_TABLES` (``"objectives"``, ``"synergies"``, ...).
    root : str or pathlib.Path, optional
        The project folder or any folder below it; the current directory when omitted.
    bib : mapping of str to BibEntry, optional
        The bibliography, when already read; read from ``references.bib`` otherwise.

    Returns
    -------
    pandas.DataFrame
        The rows as strings, the required columns first in their specified order, then
        the optional ones; the file's line of each row in ``attrs["lines"]``.

    Raises
    ------
    InputError
        Every problem found: unreadable CSV, missing column, empty required cell, repeated
        key, value outside the vocabulary, citation key missing from ``references.bib``.
    UsageError
        For an unknown table name.

    Examples
    --------
    >>> load_review_table("synergies").columns.tolist()        # doctest: +SKIP
    ['pairing', 'drivers', 'mechanism', 'effect', 'sources']
    """
    spec = _spec(name)
    base = project_root(root)
    if bib is None:
        bib = read_bib(base / "references.bib")
    path = base / REVIEW_DIR / spec.file
    if not path.is_file():
        raise InputError.at(path, None, f"missing: the {spec.title.lower()} should be here")
    table = read_table(path, expected=spec.columns)
    problems: list[Problem] = list(table.problems)
    missing = [c for c in spec.columns if c not in table.keys]
    if missing:
        problems.append(Problem(str(path), table.header_line, None,
                                f"missing column(s) {', '.join(missing)}; the file needs "
                                f"{', '.join(spec.columns)}"))
        raise InputError(problems)
    col = {c: table.keys.index(c) + 1 for c in table.keys}
    seen: dict[str, int] = {}
    for row, line in zip(table.rows, table.lines):
        for c in spec.columns:
            if not row[c].strip():
                problems.append(Problem(str(path), line, col[c], f"{c!r} is empty"))
        k = row[spec.key].strip()
        if k in seen:
            problems.append(Problem(str(path), line, col[spec.key],
                                    f"{spec.key} {k!r} repeats line {seen[k]}"))
        seen.setdefault(k, line)
        for c, allowed in spec.vocab.items():
            if isinstance(allowed, str):
                continue   # a codebook dimension: checked below
            for v in split_keys(row[c]):
                if v not in allowed:
                    problems.append(Problem(str(path), line, col[c],
                                            f"{v!r} is not one of {', '.join(allowed)}"))
    dims = {c: (v, True) for c, v in spec.vocab.items() if isinstance(v, str)}
    if dims:
        problems.extend(coded_cell_problems(table, load_codebook(base), dims))
    problems.extend(table_citation_problems(table, bib, columns=("sources",), required=True))
    if problems:
        raise InputError(problems)
    order = list(spec.columns) + [c for c in spec.optional if c in table.keys]
    frame = table.to_frame()[order].map(str.strip)
    frame.attrs["lines"] = list(table.lines)
    frame.attrs["path"] = str(path)
    return frame
