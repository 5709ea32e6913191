"""A new review workspace from the template shipped with reviewlib (``reviewlib new DIR``).

The template in ``reviewlib/templates/new/`` has the layout of the example review with no
data: a screening folder with its criteria and reasons but no search yet, one empty
decision file per stage for the first reviewer, empty extraction tables and codebook, an
empty ``references.bib``, chapters that only read the data, the book's ``_config.yml`` and
``_toc.yml``, a Makefile, ``requirements.txt``, ``.ci/run`` and a README. It builds at once
(a PRISMA diagram of zeros; tables that say they are empty) and passes ``reviewlib check``.

Headers of the files reviewlib reads are written from the same constants the readers use,
so the template cannot drift from them.
"""

from __future__ import annotations

import os
import re
import shutil
import string
import tempfile
from pathlib import Path

import reviewlib
from reviewlib.errors import UsageError

#: The template folder inside the package.
TEMPLATE = Path(__file__).resolve().parent / "new"

#: Files whose ``${title}``, ``${reviewer}`` and ``${reviewlib_requirement}`` are filled in.
FILLED = ("_config.yml", "README.md", "requirements.txt")

#: A reviewer's name is a file name: letters, digits, ``_`` and ``-``.
REVIEWER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def _requirement() -> str:
    """How the new workspace installs reviewlib: this source tree if it is one, else PyPI."""
    source = Path(reviewlib.__file__).resolve().parents[1]
    if (source / "pyproject.toml").is_file():
        return f"-e {source}"
    return f"reviewlib=={reviewlib.__version__}"


def _csv_header(columns) -> str:
    return ",".join(columns) + "\n"


def _generated(reviewer: str) -> dict[str, str]:
    """Files whose headers come from reviewlib's own layout constants."""
    from reviewlib.effects import COLUMNS
    from reviewlib.screening import layout as L
    return {
        f"screening/{L.SOURCES_FILE}": _csv_header(L.SOURCES_HEADER),
        f"screening/{L.OVERRIDES_FILE}": _csv_header(L.OVERRIDES_HEADER),
        f"screening/{L.TITLE_ABSTRACT}/{reviewer}.csv": _csv_header(L.TITLE_ABSTRACT_HEADER),
        f"screening/{L.FULL_TEXT}/{reviewer}.csv": _csv_header(L.FULL_TEXT_HEADER),
        "extraction/effects.csv": _csv_header(COLUMNS),
    }


def create_workspace(dest: str | Path, *, title: str = "A systematic review",
                     reviewer: str = "reviewer1") -> Path:
    """Create an empty review workspace in ``dest`` (a new or empty folder).

    Parameters
    ----------
    dest : str or pathlib.Path
        Where to create it. It must not exist, or be an empty folder.
    title : str
        The book's title (``_config.yml``) and the README's heading.
    reviewer : str
        Name of the first reviewer: ``screening/<stage>/<reviewer>.csv``.

    Returns
    -------
    pathlib.Path
        ``dest``.

    Raises
    ------
    UsageError
        When ``dest`` is a file or a folder that is not empty, or ``reviewer`` is not a
        usable file name. Nothing is written then; the workspace appears whole or not at
        all (it is assembled in a temporary folder beside ``dest`` and renamed).

    Examples
    --------
    >>> create_workspace("my-review", title="Remote work and wellbeing")   # doctest: +SKIP
    PosixPath('my-review')
    """
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{dest} exists and is not an empty folder; "
                         "give a new folder for the review")
    if not REVIEWER_NAME.fullmatch(reviewer) or reviewer.lower() == "consensus":
        raise UsageError(f"reviewer name {reviewer!r} must be letters, digits, '_' or '-' "
                         "(and not 'consensus')")
    if "\n" in title or '"' in title:
        raise UsageError("the title must be one line without double quotes")
    parent = dest.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    values = {"title": title, "reviewer": reviewer,
              "reviewlib_requirement": _requirement()}
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=parent))
    try:
        work = tmp / "workspace"
        shutil.copytree(TEMPLATE, work,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for name in FILLED:
            path = work / name
            text = string.Template(path.read_text(encoding="utf-8")).substitute(values)
            path.write_text(text, encoding="utf-8")
        for rel, text in _generated(reviewer).items():
            path = work / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        # executable whatever the installed copy's mode (a wheel may not keep it)
        (work / ".ci" / "run").chmod(0o755)
        if dest.is_dir():
            dest.rmdir()   # empty, checked above
        os.replace(work, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest
