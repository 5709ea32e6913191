"""Every check of an appraisal folder, cross-file rules included."""

from __future__ import annotations

import os

from reviewlib.appraisal.downstream import excluded_after_appraisal
from reviewlib.appraisal.load import AppraisalFolder, load_folder
from reviewlib.errors import InputError, Problem


def check_folder(root: str | os.PathLike = "appraisal", *,
                 studies: str | os.PathLike | None = None
                 ) -> tuple[AppraisalFolder, list[Problem]]:
    """Load an appraisal folder and run every check; nothing is written.

    Returns
    -------
    (AppraisalFolder, list of Problem)
        The folder and its errors sorted by file, line and column (empty list = clean).
        ``excluded.csv`` is checked once the answer files are clean.
    """
    folder = load_folder(root, studies=studies)
    if not folder.problems:
        try:
            excluded_after_appraisal(folder)
        except InputError as e:
            folder.problems.extend(e.problems)
    folder.problems.sort(key=lambda p: (p.path, p.line or 0, p.column or 0))
    return folder, list(folder.problems)


def check_appraisal(root: str | os.PathLike = ".") -> list[Problem]:
    """Every problem of a workspace's ``appraisal/`` folder (for ``reviewlib check``).

    Parameters
    ----------
    root : str or path-like, default ``"."``
        The workspace (the folder holding ``appraisal/`` and ``extraction/``).

    Returns
    -------
    list of Problem
        Empty when the folder is clean or absent (a review without an appraisal stage).

    Examples
    --------
    >>> for p in check_appraisal("."): print(p)   # doctest: +SKIP
    """
    folder = os.path.join(str(root), "appraisal")
    if not os.path.isdir(folder):
        return []
    return check_folder(folder, studies=os.path.join(str(root), "extraction",
                                                     "studies.csv"))[1]
