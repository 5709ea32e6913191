"""Using the appraisal downstream: subgroups and sensitivity analyses, studies excluded
after appraisal.

``appraisal_groups``
    study_id -> the study's judgement with one tool (``all criteria met``, ``not all
    criteria met``, ``incomplete``), for ``reviewlib pool --effects ... --by appraisal``.
``sensitivity``
    Pool all effects, then only those of studies with a given judgement, side by side.
``excluded_after_appraisal``
    Studies the protocol excludes because of their appraisal, from ``appraisal/excluded.csv``
    (``study_id,reason``); absent file -> none. The count is optional in a PRISMA flow
    diagram and stays zero unless a review says so.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from reviewlib.appraisal.answers import judgements
from reviewlib.appraisal.load import AppraisalFolder, load_folder
from reviewlib.errors import InputError, Problem, UsageError
from reviewlib.io import read_table

NOT_APPRAISED = "not appraised"
EXCLUDED_FILE = "excluded.csv"


def choose_tool(folder: AppraisalFolder, studies: list[str] | None = None,
                tool: str | None = None) -> str:
    """The tool named, or the one that appraised most of ``studies`` (first in
    ``tools.csv`` on a tie)."""
    if tool is not None:
        if tool not in folder.tools:
            raise UsageError(f"unknown appraisal tool {tool!r}; "
                             f"{folder.path('tools.csv')} defines {', '.join(folder.tools)}")
        return tool
    j = judgements(folder)
    if studies is not None:
        j = j[j["study_id"].isin(studies)]
    if j.empty:
        raise UsageError(f"no study of the selection is appraised in {folder.root}")
    counts = j["tool"].value_counts()
    best = counts.max()
    return next(t for t in folder.tools if counts.get(t, 0) == best)


def appraisal_groups(folder: AppraisalFolder, studies: list[str], *,
                     tool: str | None = None) -> dict[str, str]:
    """The judgement of each study with one tool; ``not appraised`` where there is none.

    Examples
    --------
    >>> appraisal_groups(load_folder("appraisal"), ["fitriani2023social"])  # doctest: +SKIP
    {'fitriani2023social': 'not all criteria met'}
    """
    folder.raise_for_problems()
    name = choose_tool(folder, studies, tool)
    j = judgements(folder)
    j = j[j["tool"] == name]
    labels = dict(zip(j["study_id"], j["judgement"]))
    return {s: labels.get(s, NOT_APPRAISED) for s in studies}


def add_appraisal_column(frame: pd.DataFrame, by: str, effects_path: str) -> pd.DataFrame:
    """For ``pool --effects PATH --by appraisal[:TOOL]``: add column ``by`` holding each
    effect's study judgement, read from the ``appraisal/`` folder next to the extraction
    folder of ``effects_path``.

    Raises
    ------
    InputError
        When the appraisal folder has problems (each with its place).
    """
    tool = by.split(":", 1)[1] if ":" in by else None
    root = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(effects_path))),
                        "appraisal")
    folder = load_folder(root, studies=os.path.join(os.path.dirname(effects_path),
                                                    "studies.csv"))
    groups = appraisal_groups(folder, sorted(set(frame["study_id"])), tool=tool)
    out = frame.copy()
    out[by] = out["study_id"].map(groups)
    return out


def sensitivity(data: pd.DataFrame, groups: dict[str, str], *,
                keep: tuple[str, ...] = ("all criteria met",), **pool_args) -> pd.DataFrame:
    """Pool every effect, then only effects of studies whose judgement is in ``keep``.

    Parameters
    ----------
    data : pandas.DataFrame
        Columns ``yi``, ``vi``, ``study_id`` (and ``label``, optional).
    groups : dict of str to str
        study_id -> judgement (:func:`appraisal_groups`).
    keep : tuple of str
        Judgements kept in the restricted analysis.
    **pool_args
        Passed to :func:`reviewlib.meta.pool` (method, test, level).

    Returns
    -------
    pandas.DataFrame
        Rows ``all studies`` and ``<keep> only``: ``k``, ``studies``, ``estimate``, ``se``,
        ``ci_low``, ``ci_high``, ``tau2``, ``i2``, ``note``. A restricted analysis with no
        effect (or one) says so in ``note`` instead of pooling.
    """
    from reviewlib.meta import pool

    rows = []
    subsets = (("all studies", np.ones(len(data), dtype=bool)),
               (" or ".join(keep) + " only",
                data["study_id"].map(groups).isin(keep).to_numpy()))
    for name, mask in subsets:
        part = data[mask]
        k, n_studies = len(part), part["study_id"].nunique()
        if k < 2:
            rows.append((name, k, n_studies, *([np.nan] * 6),
                         "fewer than two effects: nothing to pool"))
            continue
        res = pool(part["yi"].to_numpy(float), part["vi"].to_numpy(float),
                   labels=part.get("label", part["study_id"]).astype(str).to_numpy(),
                   **pool_args)
        rows.append((name, k, n_studies, res.estimate, res.se, res.ci_low, res.ci_high,
                     res.tau2, res.i2, ""))
    return pd.DataFrame(rows, columns=["analysis", "k", "studies", "estimate", "se", "ci_low",
                                       "ci_high", "tau2", "i2", "note"])


def excluded_after_appraisal(folder: AppraisalFolder) -> pd.DataFrame:
    """Studies the protocol excludes on their appraisal (``excluded.csv``), checked.

    Every study must be appraised (final answers with some tool) and have a reason.

    Returns
    -------
    pandas.DataFrame
        ``study_id``, ``reason``, ``line``; empty when the file is absent.

    Raises
    ------
    InputError
        Problems with their place (unknown or unappraised study, empty reason, repeat).
    """
    path = folder.path(EXCLUDED_FILE)
    if not os.path.isfile(path):
        return pd.DataFrame(columns=["study_id", "reason", "line"])
    table = read_table(path, expected=["study_id", "reason"])
    problems = list(table.problems)
    if table.header != ["study_id", "reason"]:
        raise InputError(problems + [Problem(path, table.header_line or 1, 1,
                                             "header must be exactly study_id,reason")])
    appraised = set(judgements(folder)["study_id"])
    out, seen = [], {}
    for row, line in zip(table.rows, table.lines):
        study, reason = row["study_id"].strip(), row["reason"].strip()
        if study not in appraised:
            problems.append(Problem(path, line, 1, f"{study or 'an empty study_id'} is not "
                                                   "appraised: only an appraised study can be "
                                                   "excluded on its appraisal"))
        elif study in seen:
            problems.append(Problem(path, line, 1, f"{study} is listed on line {seen[study]}"))
        if not reason:
            problems.append(Problem(path, line, 2, "reason is empty"))
        seen.setdefault(study, line)
        out.append((study, reason, line))
    if problems:
        raise InputError(problems)
    return pd.DataFrame(out, columns=["study_id", "reason", "line"])
