"""The review's claims and the support each one has in the review's own assessment.

A *claim* is a statement the book makes with citations: a paragraph of a chapter that cites
works (``{cite:p}`` / ``{cite:t}`` roles), or a row of one of the review's tables with a
``sources`` column (``extraction/review/*.csv``). Each cited key gets a verdict from
:func:`~reviewlib.synthesis.support.citation_support` (in scope, unclear, out of scope, or
not assessed), and each claim a support class:

``in_scope``
    at least one cited work is in scope;
``unclear``
    none is in scope, at least one is unclear;
``out_of_scope``
    every assessed work it cites was found out of scope;
``not_assessed``
    it cites only works the review never assessed as evidence (methods references, say).

A claim in the ``unclear`` or ``out_of_scope`` class has **no in-scope support**; the
ledger flags it, and ``reviewlib check`` warns about each ``out_of_scope`` one
(:func:`claim_problems`). Nothing here changes the data: the tables and chapters stay as the
review printed them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reviewlib.errors import Problem
from reviewlib.io.table import read_table
from reviewlib.synthesis.citations import CITE_ROLE, split_keys
from reviewlib.synthesis.review import REVIEW_DIR, REVIEW_TABLES
from reviewlib.synthesis.support import (IN_SCOPE, NOT_ASSESSED, OUT_OF_SCOPE, STATUSES,
                                         UNCLEAR, Support, support_for)

#: The first line of a list item (``-``, ``*``, ``+`` or ``1.``).
_LIST_ITEM = re.compile(r"^([-*+]|\d+[.)])\s")

#: Any MyST role, for turning a paragraph into plain text.
_ROLE = re.compile(r"\{[a-z:-]+\}`([^`]*)`")

#: The support classes of a claim, strongest first (same names as the statuses).
CLASSES = STATUSES

#: Plain words for each support class, as the book shows them.
CLASS_LABELS = {
    IN_SCOPE: "rests on at least one in-scope source",
    UNCLEAR: "only unclear sources",
    OUT_OF_SCOPE: "only sources found out of scope",
    NOT_ASSESSED: "only works the review did not assess",
}


@dataclass(frozen=True)
class Claim:
    """One statement of the book with the works it cites.

    Attributes
    ----------
    path : str
        The file the claim is written in (a chapter or a data table), relative to the
        project root.
    line : int
        Its first line in that file.
    place : str
        Where the reader meets it: the chapter's file stem (``"drivers"``) or the table's
        file name (``"synergies.csv"``).
    text : str
        The claim as plain text (roles replaced by their content), or the row's key.
    keys : tuple of str
        The cited keys, in order, each once.
    column : int or None
        The column of the ``sources`` cell for a table row; ``None`` for a paragraph.
    """

    path: str
    line: int
    place: str
    text: str
    keys: tuple[str, ...]
    column: int | None = None


def _plain(text: str) -> str:
    text = CITE_ROLE.sub("", text)
    text = _ROLE.sub(lambda m: m.group(1), text)
    text = re.sub(r"[*_`]+", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([,.;:)])", r"\1", text).replace("( )", "").replace("()", "")


def chapter_claims(path: str | Path, root: str | Path | None = None) -> list[Claim]:
    """The paragraphs of one MyST chapter that cite works.

    Code cells (``{code-cell}`` fences), other fenced blocks' fence lines and the YAML front
    matter are skipped; a paragraph is a run of non-blank lines, and each list item is a
    claim of its own.

    Parameters
    ----------
    path : str or pathlib.Path
        The chapter's ``.md`` file.
    root : str or pathlib.Path, optional
        The project folder; the claim's ``path`` is written relative to it.

    Returns
    -------
    list of Claim
        In the order of the file.
    """
    path = Path(path)
    rel = str(path.relative_to(root)) if root is not None else str(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    claims: list[Claim] = []
    block: list[tuple[int, str]] = []
    in_code = False
    fence = ""
    start = 0
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                start = i + 1
                break

    def flush() -> None:
        if not block:
            return
        text = " ".join(t for _, t in block)
        keys = tuple(dict.fromkeys(k.strip() for m in CITE_ROLE.finditer(text)
                                   for k in m.group(1).split(",") if k.strip()))
        if keys:
            claims.append(Claim(rel, block[0][0], path.stem, _plain(text), keys))
        block.clear()

    for number, line in enumerate(lines[start:], start=start + 1):
        stripped = line.strip()
        if in_code:
            if stripped.startswith(fence) and stripped.strip("`~") == "":
                in_code = False
            continue
        m = re.match(r"^(`{3,}|~{3,})\s*(\{code-cell\})?", stripped)
        if m:
            flush()
            if m.group(2):
                in_code, fence = True, m.group(1)
            continue
        if not stripped or stripped.startswith("#"):
            flush()
            continue
        if _LIST_ITEM.match(stripped):
            flush()
        block.append((number, stripped))
    flush()
    return claims


def _row_text(spec, row: Mapping[str, str]) -> str:
    """A readable name for a table row: its key (codes shown by their labels), and for a
    short identifier such as ``F1`` also the row's first descriptive cell."""
    from reviewlib.synthesis.review import DRIVER_LABELS

    key = row.get(spec.key, "")
    text = DRIVER_LABELS.get(key, key) if spec.key in spec.vocab else key
    if len(key) <= 3 and spec.key not in spec.vocab:
        for col in spec.columns:
            if col not in (spec.key, "sources") and col not in spec.vocab and row.get(col):
                return f"{text}: {row[col]}"
    return text


def table_claims(root: str | Path) -> list[Claim]:
    """The rows of the review's tables (``extraction/review/``) that cite works."""
    root = Path(root)
    claims: list[Claim] = []
    for name, spec in REVIEW_TABLES.items():
        path = root / REVIEW_DIR / spec.file
        if not path.exists():
            continue
        table = read_table(path)
        if "sources" not in table.keys:
            continue
        column = table.keys.index("sources") + 1
        for row, line in zip(table.rows, table.lines):
            keys = tuple(dict.fromkeys(split_keys(row["sources"])))
            if keys:
                claims.append(Claim(str(path.relative_to(root)), line, spec.file,
                                    _row_text(spec, row), keys, column))
    return claims


def place_titles(root: str | Path) -> dict[str, str]:
    """Display names of the places claims are made: chapter titles and table titles."""
    out = {spec.file: spec.title for spec in REVIEW_TABLES.values()}
    for path in book_chapters(root):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                out[path.stem] = line[2:].strip()
                break
    return out


def book_chapters(root: str | Path) -> list[Path]:
    """The chapter files of the book, in ``_toc.yml`` order (root page first)."""
    root = Path(root)
    toc = root / "_toc.yml"
    if not toc.exists():
        return sorted((root / "chapters").glob("*.md"))
    names = re.findall(r"^\s*(?:-\s*)?(?:root|file):\s*(\S+)", toc.read_text(encoding="utf-8"),
                       flags=re.M)
    out = []
    for name in names:
        p = root / name
        p = p if p.suffix else p.with_suffix(".md")
        if p.exists():
            out.append(p)
    return out


def all_claims(root: str | Path) -> list[Claim]:
    """Every claim of the book: chapter paragraphs in reading order, then table rows."""
    root = Path(root)
    claims = [c for p in book_chapters(root) for c in chapter_claims(p, root)]
    return claims + table_claims(root)


def claim_class(keys: Iterable[str], support: Mapping[str, Support]) -> str:
    """The support class of a claim citing ``keys`` (see the module docstring)."""
    statuses = {support_for(k, support).status for k in keys}
    for status in (IN_SCOPE, UNCLEAR, OUT_OF_SCOPE):
        if status in statuses:
            return status
    return NOT_ASSESSED


def claims_ledger(root: str | Path, support: Mapping[str, Support]) -> pd.DataFrame:
    """One row per claim with its sources counted by verdict.

    Returns
    -------
    pandas.DataFrame
        Columns ``path``, ``line``, ``place``, ``claim``, ``sources`` (";"-joined keys),
        ``in_scope``, ``unclear``, ``out_of_scope``, ``not_assessed`` (counts), ``support``
        (the claim's class) and ``no_in_scope`` (True for the ``unclear`` and
        ``out_of_scope`` classes).
    """
    rows = []
    for c in all_claims(root):
        counts = {s: 0 for s in STATUSES}
        for k in c.keys:
            counts[support_for(k, support).status] += 1
        cls = claim_class(c.keys, support)
        rows.append((c.path, c.line, c.place, c.text, "; ".join(c.keys),
                     *(counts[s] for s in STATUSES), cls, cls in (UNCLEAR, OUT_OF_SCOPE)))
    return pd.DataFrame(rows, columns=["path", "line", "place", "claim", "sources", *STATUSES,
                                       "support", "no_in_scope"])


def tables_shown(chapter: str | Path) -> list[str]:
    """The review tables a chapter loads (``load_review_table("name", ...)`` calls)."""
    text = Path(chapter).read_text(encoding="utf-8")
    return list(dict.fromkeys(re.findall(r"load_review_table\(\s*[\"'](\w+)[\"']", text)))


def chapter_ledger(ledger: pd.DataFrame, root: str | Path, chapter: str) -> pd.DataFrame:
    """The claims a reader meets on one chapter: its paragraphs and its tables' rows."""
    path = Path(root) / "chapters" / f"{chapter}.md"
    shown = tables_shown(path) if path.exists() else []
    places = {chapter, *(REVIEW_TABLES[t].file for t in shown if t in REVIEW_TABLES)}
    return ledger[ledger["place"].isin(places)]


def summary_line(ledger: pd.DataFrame) -> str:
    """One sentence counting claims by support, for the top of a chapter.

    Examples
    --------
    >>> summary_line(pd.DataFrame({"support": ["unclear", "out_of_scope", "unclear"]}))
    'Claims on this page: 3 cite the review’s sources; none rests on an in-scope source, 2 on unclear sources only, 1 only on sources found out of scope.'
    """
    n = len(ledger)
    if n == 0:
        return "Claims on this page: none cites the review’s sources."
    counts = ledger["support"].value_counts()

    def count(status: str) -> int:
        return int(counts.get(status, 0))

    parts = [f"{count(IN_SCOPE) or 'none'} "
             f"{'rests' if count(IN_SCOPE) < 2 else 'rest'} on an in-scope source",
             f"{count(UNCLEAR)} on unclear sources only",
             f"{count(OUT_OF_SCOPE)} only on sources found out of scope"]
    if count(NOT_ASSESSED):
        parts.append(f"{count(NOT_ASSESSED)} only on works the review did not assess")
    verb = "cites" if n == 1 else "cite"
    return f"Claims on this page: {n} {verb} the review’s sources; " + ", ".join(parts) + "."


def claim_problems(root: str | Path, support: Mapping[str, Support]) -> list[Problem]:
    """A warning for every claim whose only assessed support is out of scope.

    Each names the file and line of the claim (the chapter paragraph or the table row) and
    the keys with their reasons. These are warnings: the data stay as the review printed them.
    """
    out = []
    for c in all_claims(root):
        if claim_class(c.keys, support) != OUT_OF_SCOPE:
            continue
        why = "; ".join(f"{k}: {support_for(k, support).reason or 'out of scope'}"
                        for k in c.keys if support_for(k, support).status == OUT_OF_SCOPE)
        out.append(Problem(c.path, c.line, c.column,
                           f"claim rests only on sources found out of scope ({why})",
                           level="warning"))
    return out


def support_map(bib: Mapping[str, object]) -> dict[str, Support]:
    """Verdicts by key from a bibliography read with ``load_bib(..., support=True)``."""
    return {k: e.support for k, e in bib.items() if getattr(e, "support", None) is not None}


def banner(root: str | Path, chapter: str, bib: Mapping[str, object],
           ledger_page: str = "claims.html"):
    """The one-line count of a chapter's claims by support, as HTML for the chapter's top.

    Parameters
    ----------
    root : str or pathlib.Path
        The project folder.
    chapter : str
        The chapter's file stem (``"drivers"``).
    bib : mapping
        The bibliography from :func:`~reviewlib.synthesis.review.load_bib` (with verdicts).
    ledger_page : str
        Relative URL of the claims ledger page.
    """
    import html

    from IPython.display import HTML

    ledger = claims_ledger(root, support_map(bib))
    line = html.escape(summary_line(chapter_ledger(ledger, root, chapter)))
    return HTML(f'<p class="claims-banner">{line} '
                f'<a href="{html.escape(ledger_page, quote=True)}">The claims ledger</a> '
                f'lists them.</p>')
