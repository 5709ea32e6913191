"""Turn a file's bytes into text the way a tolerant reader should, noting what it found.

Shared by every reader (tables, BibTeX, RIS): the same encoding detection, the same binary
and empty-file checks and the same notes, so a cp1252 ``.ris`` file is treated exactly like a
cp1252 ``.csv`` file.

Detection order: a UTF-16 byte-order mark (refused, with advice), NUL bytes (binary, refused),
a UTF-8 byte-order mark, strict UTF-8, cp1252 (what Excel and Windows tools write in western
locales), and latin-1 (which decodes any byte, so it is the last resort).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reviewlib.errors import InputError, Problem


@dataclass
class DecodedText:
    """A file's text plus how it was stored.

    ``text`` is ``None`` when the file is empty, binary or UTF-16; ``problems`` then says why.
    """

    path: Path
    text: str | None = None
    encoding: str = "utf-8"
    newline: str = "\n"
    notes: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def note(self, line: int | None, message: str, column: int | None = None) -> None:
        """Record a note (``level="note"``)."""
        self.notes.append(Problem(str(self.path), line, column, message, level="note"))

    def error(self, line: int | None, message: str, column: int | None = None) -> None:
        """Record a problem (``level="error"``)."""
        self.problems.append(Problem(str(self.path), line, column, message, level="error"))


def _decode(raw: bytes, out: DecodedText) -> None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        out.encoding = "utf-16"
        out.error(None, "the file is UTF-16 encoded (Excel's 'Unicode Text'); "
                        "save it as UTF-8 ('CSV UTF-8' in Excel) instead")
        return
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        hint = " (an Excel workbook? save it as CSV)" if raw.startswith(b"PK\x03\x04") else ""
        out.encoding = "binary"
        out.error(line, f"binary file: NUL byte at byte {nul + 1}; not a text file{hint}")
        return
    if raw.startswith(b"\xef\xbb\xbf"):
        out.encoding = "utf-8-sig"
        out.note(1, "UTF-8 byte-order mark (BOM) found and removed")
        body = raw[3:]
        try:
            out.text = body.decode("utf-8")
        except UnicodeDecodeError as e:
            line = body.count(b"\n", 0, e.start) + 1
            out.error(line, f"byte 0x{body[e.start]:02x} is not valid UTF-8 although the file "
                            "starts with a UTF-8 byte-order mark")
            out.text = body.decode("utf-8", errors="replace")
        return
    try:
        out.text = raw.decode("utf-8")
        out.encoding = "utf-8"
        return
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        first_bad = f"byte 0x{raw[e.start]:02x} on line {line}"
    try:
        out.text = raw.decode("cp1252")
        out.encoding = "cp1252"
    except UnicodeDecodeError:
        out.text = raw.decode("latin-1")
        out.encoding = "latin-1"
    out.note(line, f"not valid UTF-8 ({first_bad}); read as {out.encoding}")


def _newline(out: DecodedText) -> None:
    text = out.text or ""
    crlf = text.count("\r\n")
    counts = {"\r\n": crlf, "\n": text.count("\n") - crlf, "\r": text.count("\r") - crlf}
    dominant = max(counts, key=lambda k: (counts[k], k == "\n"))
    out.newline = dominant if counts[dominant] else "\n"
    if out.newline == "\r\n":
        out.note(None, "Windows line ends (CRLF)")
    elif out.newline == "\r":
        out.note(None, "old Mac line ends (CR only)")
    used = [k for k, v in counts.items() if v]
    if len(used) > 1:
        names = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}
        out.note(None, "mixed line ends: " + ", ".join(f"{counts[k]} {names[k]}" for k in used))


def read_text(path: str | Path) -> DecodedText:
    """Read and decode a text file, recording encoding, line ends, notes and problems.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.

    Returns
    -------
    DecodedText
        ``text`` is ``None`` (with a problem recorded) for an empty, binary or UTF-16 file.

    Raises
    ------
    InputError
        Only when the file cannot be opened.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ansi.csv"
    >>> _ = p.write_bytes("id,author\\r\\nx,Hernández, V.\\r\\n".encode("cp1252"))
    >>> d = read_text(p)
    >>> d.encoding, d.newline, [n.message for n in d.notes]
    ('cp1252', '\\r\\n', ['not valid UTF-8 (byte 0xe1 on line 2); read as cp1252', 'Windows line ends (CRLF)'])
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise InputError.at(p, None, f"cannot open the file: {e.strerror or e}") from e
    out = DecodedText(path=p)
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        out.error(None, "empty file" if not raw else "empty file (only whitespace)")
        return out
    _decode(raw, out)
    if out.text is not None:
        _newline(out)
    return out


def lines_of(text: str) -> list[str]:
    """Split on any line end (``\\r\\n``, ``\\n``, ``\\r``) without keeping it.

    Unlike :meth:`str.splitlines`, form feeds and Unicode line separators inside a value do
    not start a new line, so line numbers agree with what an editor shows.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
