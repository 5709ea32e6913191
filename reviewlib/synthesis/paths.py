"""Where the project is: the folder holding ``_config.yml``, ``_toc.yml`` and ``references.bib``.

The book executes each chapter with the chapter's own folder as working directory, and the
tests build small books in temporary folders; both find the data the same way, by walking up
from a starting folder to the first one that looks like a review project.
"""

from __future__ import annotations

from pathlib import Path

from reviewlib.errors import UsageError

#: Files whose presence marks the root of a review project.
ROOT_MARKERS = ("_config.yml", "references.bib")


def project_root(start: str | Path | None = None) -> Path:
    """Return the nearest folder at or above ``start`` that holds every file in ROOT_MARKERS.

    Parameters
    ----------
    start : str or pathlib.Path, optional
        Where to begin; the current working directory when omitted.

    Returns
    -------
    pathlib.Path
        The project folder, resolved to an absolute path.

    Raises
    ------
    UsageError
        When no folder up to the file-system root holds ``_config.yml`` and ``references.bib``.

    Examples
    --------
    >>> project_root("chapters")          # doctest: +SKIP
    PosixPath('/home/me/review')
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if all((folder / m).is_file() for m in ROOT_MARKERS):
            return folder
    raise UsageError(f"no review project (a folder with {' and '.join(ROOT_MARKERS)}) "
                     f"at or above {here}")
