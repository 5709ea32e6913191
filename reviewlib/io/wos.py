"""Web of Science "Plain text file" exports (``savedrecs.txt`` starting ``FN ...``).

Layout (Clarivate, "Web of Science Core Collection field tags"): a two-letter tag, a space and
the value; a value that goes on is continued on lines starting with three spaces; each record
starts with ``PT`` and ends with ``ER``; the file starts with ``FN`` and ``VR`` lines and ends
with ``EF``. In list fields (authors, addresses, cited references) every continuation line is
one more item; in other fields it is the same text wrapped.

The records are turned into rows keyed by tag and mapped to fields exactly as the
tab-delimited export is (:func:`reviewlib.io.csvrecords.records_from_table`), so both Web of
Science formats give the same frame.
"""

from __future__ import annotations

import re
from pathlib import Path

from reviewlib.errors import InputError
from reviewlib.io.csvrecords import records_from_table
from reviewlib.io.recordset import Records
from reviewlib.io.table import Table
from reviewlib.io.text import DecodedText, lines_of, read_text

#: Tags whose continuation lines are separate items (joined with "; ").
LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "BE", "CA", "GP", "C1", "C3", "CR", "EM"})
_LINE = re.compile(r"^([A-Z][A-Z0-9]) (.*)$|^([A-Z][A-Z0-9])$")
_HEAD = frozenset({"FN", "VR"})


def read_wos_plain(path: str | Path, *, decoded: DecodedText | None = None) -> Records:
    """Read a Web of Science plain-text export into Records.

    Parameters
    ----------
    path : str or pathlib.Path
        The export (usually ``savedrecs.txt``).
    decoded : DecodedText, optional
        The file already read (when the format was sniffed from the content).

    Returns
    -------
    Records
        ``format="wos-plain"``; ids ``"<stem>:<n>"``; the accession number in column ``ut``.

    Raises
    ------
    InputError
        For lines that are neither a tag line nor a continuation, text outside a record and
        records not closed by ``ER``, each as ``path:line: message``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "savedrecs.txt"
    >>> _ = p.write_text("FN Clarivate Analytics Web of Science\\nVR 1.0\\nPT J\\nAU Hung, K\\n"
    ...                  "   Tse, DK\\nTI E-Commerce Influencers in China\\nPY 2022\\nUT WOS:1\\nER\\nEF\\n")
    >>> read_wos_plain(p).frame.loc[0, ["author", "year", "ut"]].tolist()
    ['Hung, K and Tse, DK', '2022', 'WOS:1']
    """
    if decoded is None:
        decoded = read_text(path)
    if decoded.text is None:
        raise InputError(decoded.problems)
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    tags: list[str] = []
    current: dict[str, list[str]] | None = None
    start = 0
    tag = ""
    ended = False

    def close() -> None:
        row = {t: ("; " if t in LIST_TAGS else " ").join(v) for t, v in current.items()}
        rows.append(row)
        lines.append(start)

    for n, raw in enumerate(lines_of(decoded.text), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if ended:
            decoded.error(n, f"text after the end-of-file line 'EF': {line[:40]!r}")
            break
        if line.startswith("   "):
            if current is None or not tag:
                decoded.error(n, "continuation line outside a record")
            else:
                current[tag].append(line.strip())
            continue
        m = _LINE.match(line)
        if m is None:
            decoded.error(n, f"not a Web of Science tag line: {line[:40]!r} (expected a "
                             "two-letter tag, a space and a value)")
            continue
        tag, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), "")
        if tag == "PT":
            if current is not None:
                decoded.error(start, f"record is not closed: no 'ER' line before the next 'PT' "
                                     f"on line {n}")
            current, start = {"PT": [value]}, n
        elif tag == "ER":
            if current is None:
                decoded.error(n, "'ER' without an open record (no 'PT' line before it)")
            else:
                close()
                current = None
            tag = ""
        elif tag == "EF":
            ended = True
            tag = ""
        elif current is None:
            if tag not in _HEAD:
                decoded.error(n, f"text outside a record: {line[:40]!r} (every record starts "
                                 "with a 'PT' line)")
            tag = ""
        else:
            current.setdefault(tag, []).append(value)
        if tag and tag not in tags and tag not in ("PT",):
            tags.append(tag)
    if current is not None:
        decoded.error(start, "record is not closed: the file ends before its 'ER' line")
    if not rows and not decoded.problems:
        decoded.error(None, "no Web of Science records found (expected lines such as 'PT J')")
    if decoded.problems:
        raise InputError(sorted(decoded.problems, key=lambda p: (p.line or 0, p.column or 0)))
    header = ["PT", *tags]
    if "UT" not in header:
        header.append("UT")  # marks the tag vocabulary for the column mapping
    rows = [{t: row.get(t, "") for t in header} for row in rows]
    table = Table(path=decoded.path, encoding=decoded.encoding, delimiter="",
                  newline=decoded.newline, header=header, keys=list(header), header_line=1,
                  rows=rows, lines=lines, notes=list(decoded.notes))
    return records_from_table(table, decoded, fmt="wos-plain")
