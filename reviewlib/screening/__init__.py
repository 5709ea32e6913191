"""Screening: reviewers' decision files, their validation, conflicts and agreement.

The stages, in the order they run:

``load_folder``             read a screening folder tolerantly (never writes, never raises
                            for content) -> :class:`ScreeningFolder`
``check_folder``            every problem (``path:line:column: message``), cross-stage rules
                            included -> list of :class:`~reviewlib.errors.Problem`
``title_abstract_status``   final title/abstract outcome per record -> DataFrame
``full_text_status``        final full-text outcome per report -> DataFrame
``conflicts``               who said what where reviewers disagree -> DataFrame
``agreement``               raw agreement and Cohen's kappa with 95% CI per pair -> DataFrame
``progress``                screened / remaining / conflicts per stage and reviewer -> DataFrame
``previous_audit_status``   the previous version's reports with their re-check verdicts
``check_eligibility``       problems of ``criteria.csv`` and of the coded files, fast
``criteria_summary``        yes / no / unclear per criterion of a coded file -> DataFrame
``criteria_agreement``      kappa per criterion and reviewer pair, from coded files
``record_rounds``           the search round of every record; the latest round's are new

``check_rounds`` and ``check_removed`` return the problems of the ``round`` column of
sources.csv and of ``removed.csv`` alone (:mod:`reviewlib.screening.rounds`,
:mod:`reviewlib.screening.removed`).

The folder layout is described in :mod:`reviewlib.screening.layout`, the decision rules in
:mod:`reviewlib.screening.decisions`, decisions derived from coded eligibility criteria in
:mod:`reviewlib.screening.eligibility`.
"""

from __future__ import annotations

import os

from reviewlib.errors import InputError, Problem
from reviewlib.screening.agreement import agreement, criteria_agreement, progress
from reviewlib.screening.decisions import (
    conflicts,
    cross_stage_problems,
    full_text_status,
    previous_audit_status,
    title_abstract_status,
)
from reviewlib.screening.eligibility import Criterion, check_eligibility, criteria_summary
from reviewlib.screening.kappa import KappaResult, cohens_kappa, contingency
from reviewlib.screening.load import DecisionFile, ScreeningFolder, load_folder
from reviewlib.screening.removed import check_removed
from reviewlib.screening.rounds import check_rounds, latest_round, record_rounds


def check_folder(root: str | os.PathLike = "screening") -> tuple[ScreeningFolder, list[Problem]]:
    """Load a screening folder and run every check; nothing is written.

    Parameters
    ----------
    root : str or path-like, default ``"screening"``

    Returns
    -------
    (ScreeningFolder, list of Problem)
        The folder and all its errors, sorted by file, line and column (empty list = clean).
        Notes (accepted quirks such as a BOM) stay in ``folder.notes``.

    Examples
    --------
    >>> folder, problems = check_folder("screening")   # doctest: +SKIP
    >>> for p in problems: print(p)                    # doctest: +SKIP
    """
    folder = load_folder(root)
    if folder.records_complete:
        folder.problems.extend(cross_stage_problems(folder))
    folder.problems.sort(key=lambda p: (p.path, p.line or 0, p.column or 0))
    return folder, list(folder.problems)


def load_checked(root: str | os.PathLike = "screening") -> ScreeningFolder:
    """Like :func:`check_folder` but raise :class:`InputError` with every problem found.

    Examples
    --------
    >>> folder = load_checked("screening")            # doctest: +SKIP
    """
    folder, problems = check_folder(root)
    if problems:
        raise InputError(problems)
    return folder


__all__ = [
    "Criterion", "DecisionFile", "KappaResult", "ScreeningFolder", "agreement",
    "check_eligibility", "check_folder", "check_removed", "check_rounds",
    "criteria_agreement", "criteria_summary", "latest_round", "record_rounds",
    "cohens_kappa", "conflicts", "contingency", "cross_stage_problems", "full_text_status",
    "load_checked", "load_folder", "previous_audit_status", "progress",
    "title_abstract_status",
]
