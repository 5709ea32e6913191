"""Write a file all at once or not at all, and never replace a file unless asked to.

Every file reviewlib writes goes through :func:`atomic_write`: the content is written to a
temporary file in the destination folder (so the final rename stays on one file system),
flushed to disk, and only then moved into place. A crash or an exception while the content
is produced leaves the destination untouched and removes the temporary file.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from reviewlib.errors import OverwriteError

log = logging.getLogger("reviewlib")


def atomic_write(path: str | Path, data: bytes | str, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; refuse to replace an existing file by default.

    Parameters
    ----------
    path : str or pathlib.Path
        Destination. Missing parent folders are created.
    data : bytes or str
        The whole content. ``str`` is encoded as UTF-8 without a byte-order mark and written
        exactly as given (no newline translation).
    overwrite : bool, default False
        Allow replacing an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OverwriteError
        If ``path`` exists and ``overwrite`` is false. Nothing is written then.

    Notes
    -----
    Without ``overwrite`` the temporary file is hard-linked to the destination, which fails
    if the destination appeared in the meantime, so two writers cannot silently replace each
    other's file. File systems without hard links fall back to a check followed by
    :func:`os.replace`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write(folder / "out" / "notes.txt", "hello\\n").read_text()
    'hello\\n'
    >>> atomic_write(folder / "out" / "notes.txt", "again\\n")
    Traceback (most recent call last):
    ...
    reviewlib.errors.OverwriteError: ...notes.txt: file exists; not replacing it (pass overwrite=True or choose another path)
    """
    dest = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if dest.exists() and not overwrite:
        raise OverwriteError(f"{dest}: file exists; not replacing it (pass overwrite=True "
                             "or choose another path)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        if overwrite:
            os.replace(tmp, dest)
        else:
            try:
                os.link(tmp, dest)
            except FileExistsError as e:
                raise OverwriteError(f"{dest}: file exists; not replacing it") from e
            except OSError:
                if dest.exists():
                    raise OverwriteError(f"{dest}: file exists; not replacing it") from None
                os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()
    log.debug("wrote %s (%d bytes)", dest, len(data))
    return dest


def _umask() -> int:
    """The process umask (read without changing it for longer than one call)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
