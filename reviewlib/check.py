"""Every data check of a review workspace, behind one command: ``reviewlib check [DIR]``.

A check is a function ``fn(root) -> list[Problem]`` that looks at one part of a workspace
(the project folder holding ``_config.yml`` and ``references.bib``) and returns what it
found, each :class:`~reviewlib.errors.Problem` with its path, line, column and level:

``error``
    the data cannot be used as it is (a bad code, an unknown citation key, a decision on a
    record that does not exist); ``reviewlib check`` exits 1 and the book does not build.
``warning``
    something a person should look at that does not stop the review (an inconsistency in
    numbers printed by a report, kept as printed); printed, exit 0.

A check skips silently what the workspace does not have (a review without effects has no
``extraction/effects.csv``). Checks are listed in :data:`CHECKS` in the order of a review;
another stage adds its own with one line, naming the function as ``"module:function"`` so
that nothing is imported until the check runs::

    CHECKS.append(Check("data extraction forms", "mypackage.forms:check_forms",
                        "the review's own extraction forms"))

or, from the module itself, with :func:`register`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from reviewlib.errors import InputError, Problem, UsageError

#: The levels a check may report; ``note`` problems are dropped by :func:`run_checks`.
LEVELS = ("error", "warning")


@dataclass(frozen=True)
class Check:
    """One named check: ``func`` is a callable or ``"module:function"``."""

    name: str
    func: Callable[[Path], list[Problem]] | str
    description: str = ""

    def resolve(self) -> Callable[[Path], list[Problem]]:
        """The callable, importing ``module:function`` on first use."""
        if callable(self.func):
            return self.func
        module, _, attr = self.func.partition(":")
        return getattr(importlib.import_module(module), attr)


def _located(problems: Iterable[Problem], level: str | None = None) -> list[Problem]:
    """Problems with ``level`` forced (when given); notes are left out."""
    out = []
    for p in problems:
        lv = level or (p.level if p.level in LEVELS else None)
        if lv:
            out.append(Problem(p.path, p.line, p.column, p.message, lv))
    return out


def _caught(fn: Callable[[], object]) -> list[Problem]:
    """Run ``fn``; the problems of an :class:`InputError` it raises, else none."""
    try:
        fn()
    except InputError as e:
        return _located(e.problems, "error")
    return []


# ------------------------------------------------------------------------------ screening
def check_screening(root: Path) -> list[Problem]:
    """``screening/``: sources, exports, reasons, overrides, decisions (``screen check``)."""
    folder = root / "screening"
    if not folder.is_dir():
        return []
    if not (folder / "sources.csv").is_file():
        return [Problem(str(folder / "sources.csv"), None, None,
                        "missing: a screening folder needs its list of sources "
                        "(source_id,type,name,searched_on,query,file; `reviewlib new` "
                        "shows the layout)")]
    from reviewlib.screening import check_folder
    try:
        _, problems = check_folder(folder)
    except InputError as e:
        problems = e.problems
    return _located(problems, "error")


def check_prisma(root: Path) -> list[Problem]:
    """The PRISMA 2020 counts: the arithmetic between the boxes of the flow diagram.

    Runs only on a clean screening folder (the screening check reports the rest). While
    records still wait for a decision the counts cannot add up yet; that is reported as a
    warning saying what is left, since a review in progress is not an error.
    """
    folder = root / "screening"
    if not (folder / "sources.csv").is_file():
        return []
    from reviewlib.prisma import ScreeningIncomplete, count_folder
    from reviewlib.screening import check_folder
    try:
        loaded, problems = check_folder(folder)
    except InputError:
        return []
    if problems:
        return []
    try:
        count_folder(loaded)
    except ScreeningIncomplete as e:
        return [Problem(str(folder), None, None,
                        f"screening is not finished ({e.summary}); the PRISMA counts and "
                        "the flow diagram are final once every record is decided", "warning")]
    except InputError as e:
        return _located(e.problems, "error")
    return []


# ----------------------------------------------------------------------------- extraction
def check_studies(root: Path) -> list[Problem]:
    """``extraction/studies.csv``: columns, unique ``study_id``, driver codes."""
    path = root / "extraction" / "studies.csv"
    if not path.is_file():
        return []
    from reviewlib.synthesis.evidence import load_studies
    return _caught(lambda: load_studies(root, path=path))


def check_effects(root: Path) -> list[Problem]:
    """``extraction/effects.csv``: structure (errors), and the printed numbers (warnings).

    A structural problem (a wrong header, an unknown measure, a repeated ``effect_id``, a
    ``study_id`` that ``studies.csv`` lacks) is an error. What ``reviewlib effects check``
    finds in the numbers themselves (an odds ratio that is not exp(coefficient), stars
    that do not fit p) describes the report as printed, which the file keeps on purpose,
    so here it is a warning.
    """
    path = root / "extraction" / "effects.csv"
    if not path.is_file():
        return []
    from reviewlib.effects import COLUMNS, check, load_effects
    try:
        table = load_effects(path)
    except InputError as e:
        return _located(e.problems, "error")
    problems = []
    for f in check(table):
        if f.level == "note":
            continue
        column = COLUMNS.index(f.column) + 1 if f.column in COLUMNS else None
        problems.append(Problem(str(path), f.line, column,
                                f"[{f.effect_id}] {f.message} ({f.code})", "warning"))
    studies_path = root / "extraction" / "studies.csv"
    if studies_path.is_file():
        from reviewlib.io.table import read_table
        studies = read_table(studies_path)
        if "study_id" in studies.keys and not studies.problems:
            known = {r["study_id"].strip() for r in studies.rows}
            col = COLUMNS.index("study_id") + 1
            for row in table.rows:
                if row.study_id not in known:
                    problems.append(Problem(
                        str(path), row.line, col,
                        f"study_id {row.study_id!r} is not a study of {studies_path}"))
    return problems


def check_review_tables(root: Path) -> list[Problem]:
    """``extraction/review/*.csv``: each of the review's own tables that is present."""
    from reviewlib.synthesis.review import REVIEW_DIR, REVIEW_TABLES, load_review_table
    problems: list[Problem] = []
    for name, spec in REVIEW_TABLES.items():
        if (root / REVIEW_DIR / spec.file).is_file():
            # citation keys are the references check's job: skip them here (bib={})
            problems.extend(p for p in _caught(lambda n=name: load_review_table(n, root, bib={}))
                            if "references.bib" not in p.message)
    return problems


# ----------------------------------------------------------------------------- references
#: Folders searched for CSV files whose citation columns must name known keys.
CITING_FOLDERS = ("extraction", "screening")


def _bib_keys(root: Path) -> tuple[set[str] | None, list[Problem]]:
    path = root / "references.bib"
    if not path.is_file():
        return None, [Problem(str(path), None, None, "missing: every workspace needs "
                                                     "references.bib (it may be empty)")]
    from reviewlib.synthesis.bib import read_bib
    try:
        return set(read_bib(path)), []
    except InputError as e:
        return None, _located(e.problems, "error")


def chapter_citation_problems(root: Path, keys: set[str]) -> list[Problem]:
    """Every ``{cite}`` key in ``chapters/**/*.md`` that ``references.bib`` lacks."""
    from reviewlib.synthesis.citations import CITE_ROLE

    problems = []
    for path in sorted((root / "chapters").rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), start=1):
            for m in CITE_ROLE.finditer(line):
                offset = m.start(1)
                for part in m.group(1).split(","):
                    key = part.strip()
                    if key and key not in keys:
                        column = offset + len(part) - len(part.lstrip()) + 1
                        problems.append(Problem(str(path), lineno, column,
                                                f"citation key {key!r} is not in references.bib"))
                    offset += len(part) + 1
    return problems


def check_references(root: Path) -> list[Problem]:
    """``references.bib`` parses; every key cited in chapters and data files is in it."""
    keys, problems = _bib_keys(root)
    if keys is None:
        return problems
    problems.extend(chapter_citation_problems(root, keys))
    from reviewlib.io.table import read_table
    from reviewlib.synthesis.citations import CITATION_COLUMNS, table_citation_problems
    for folder in CITING_FOLDERS:
        for path in sorted((root / folder).rglob("*.csv")):
            table = read_table(path)
            if any(c in table.keys for c in CITATION_COLUMNS):
                problems.extend(_located(table.problems, "error"))
                problems.extend(table_citation_problems(table, keys))
    return problems


def check_codebook_file(root: Path) -> list[Problem]:
    """``extraction/review/codebook.csv``: the codes and labels themselves (the coded cells
    of the data are checked with the tables that hold them)."""
    from reviewlib.synthesis.codebook import CODEBOOK_FILE, read_codebook

    path = root / CODEBOOK_FILE
    if not path.is_file():
        return []
    return _located(read_codebook(path)[1], "error")


def check_claims(root: Path) -> list[Problem]:
    """Warnings: claims of the book whose only assessed support is out of scope.

    Each names the chapter paragraph or table row (``path:line``) and the sources with the
    reasons the review's own assessment gave; the data stay as the review printed them.
    """
    if not (root / "references.bib").is_file():
        return []
    from reviewlib.synthesis.claims import claim_problems
    from reviewlib.synthesis.support import citation_support
    try:
        support = citation_support(root)
    except InputError:
        return []  # the screening check reports what is wrong there
    return _located(claim_problems(root, support), "warning")


#: The checks ``reviewlib check`` runs, in the order of a review. Add one with one line.
CHECKS: list[Check] = [
    Check("screening", check_screening, "sources, exports, reasons and decision files"),
    Check("prisma", check_prisma, "the arithmetic of the PRISMA 2020 flow diagram"),
    Check("studies", check_studies, "the study table"),
    Check("effects", check_effects, "extracted effects and their printed numbers"),
    Check("review tables", check_review_tables, "the review's own tables"),
    Check("codebook", check_codebook_file, "the codebook's codes and labels"),
    Check("appraisal", "reviewlib.appraisal:check_appraisal",
          "appraisal tools, appraisers' files, consensus and exclusions"),
    Check("references", check_references, "references.bib and every citation key"),
    Check("claims", check_claims, "claims whose only support is out of scope (warnings)"),
]


def register(name: str, description: str = "") -> Callable:
    """Decorator adding ``fn(root) -> list[Problem]`` to :data:`CHECKS` under ``name``."""
    def add(fn):
        CHECKS.append(Check(name, fn, description))
        return fn
    return add


@dataclass
class CheckReport:
    """What :func:`run_checks` found: problems per check, in the order of :data:`CHECKS`."""

    root: Path
    results: dict[str, list[Problem]]

    @property
    def problems(self) -> list[Problem]:
        return [p for found in self.results.values() for p in found]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def run_checks(root: str | Path = ".", only: Iterable[str] | None = None) -> CheckReport:
    """Run every check (or those named in ``only``) on the workspace at ``root``.

    Parameters
    ----------
    root : str or pathlib.Path
        The workspace folder; paths in the problems are relative to it as given (run it
        with ``"."`` and they read ``screening/...``).
    only : iterable of str, optional
        Names of the checks to run (see :data:`CHECKS`).

    Returns
    -------
    CheckReport
        Problems per check; ``.ok`` is false when any is an error.

    Raises
    ------
    UsageError
        When ``root`` is not a folder or ``only`` names an unknown check.

    Examples
    --------
    >>> report = run_checks(".")                        # doctest: +SKIP
    >>> report.ok, len(report.warnings)                 # doctest: +SKIP
    (True, 26)
    """
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    names = [c.name for c in CHECKS]
    wanted = list(only) if only is not None else names
    unknown = [n for n in wanted if n not in names]
    if unknown:
        raise UsageError(f"no check {', '.join(map(repr, unknown))}; the checks are "
                         f"{', '.join(names)}")
    results = {}
    for c in CHECKS:
        if c.name in wanted:
            found = c.resolve()(root)
            results[c.name] = sorted(_located(found),
                                     key=lambda p: (p.path, p.line or 0, p.column or 0))
    return CheckReport(root, results)


def require_clean(root: str | Path = ".") -> CheckReport:
    """Run every check; raise :class:`InputError` with the errors, if any (for the book)."""
    report = run_checks(root)
    if report.errors:
        raise InputError(report.errors)
    return report
