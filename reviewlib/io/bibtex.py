"""BibTeX in (bibtexparser 2) and out (canonical, atomic).

Reading keeps every field of every entry exactly as written (outer braces or quotes removed,
``@string`` macros resolved), so BibTeX -> records -> BibTeX loses nothing. The frame's
``journal`` column falls back to ``booktitle`` for papers in proceedings and chapters so that
deduplication sees a container for every record; the writer leaves it out again when it only
repeats ``booktitle``.

A BibTeX field whose name the frame uses for its own bookkeeping (``id``, ``entrytype``,
``source`` -- Scopus writes ``source = {Scopus}``) is kept as ``bibtex_<name>`` and written
back under its own name.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import bibtexparser
import pandas as pd
from bibtexparser import model

from reviewlib.errors import InputError
from reviewlib.io.atomic import atomic_write
from reviewlib.io.recordset import Records, assemble, clean_year
from reviewlib.io.text import read_text
from reviewlib.records import Record, fields

#: Frame columns that are not BibTeX fields of the entry.
RESERVED = (fields.ID, fields.ENTRYTYPE, fields.SOURCE)
_PREFIX = "bibtex_"
#: Field order in written entries (then every other field in frame order).
WRITE_ORDER = [fields.AUTHOR, fields.TITLE, fields.JOURNAL, "booktitle", fields.YEAR,
               fields.VOLUME, fields.NUMBER, fields.PAGES, fields.DOI]
_MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
_KEY_BAD = re.compile(r"[\s,{}()=#%\"'\\~]")
_KEY_OF_RAW = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s{}()=]+)")


@contextmanager
def _quiet_bibtexparser():
    """bibtexparser logs each failed block itself; we report them ourselves instead."""
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _failed_message(block: model.Block, text: str) -> tuple[int, str]:
    """Line (1-based) and message for one of bibtexparser's failed blocks."""
    line = block.start_line + 1
    raw = block.raw or ""
    key = _KEY_OF_RAW.match(raw)
    what = f"entry {key.group(1)!r}" if key else "entry"
    if isinstance(block, model.DuplicateBlockKeyBlock):
        first = getattr(block, "previous_block", None)
        also = f" (first used on line {first.start_line + 1})" if first is not None else ""
        return line, f"duplicate key {block.key!r}{also}"
    if isinstance(block, model.DuplicateFieldKeyBlock):
        dups = ", ".join(repr(k) for k in sorted(block.duplicate_keys))
        return line, f"{what}: field {dups} appears more than once"
    error = block.error
    reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
    reason = " ".join(reason.split())
    end = getattr(error, "end_index", None)
    where = ""
    if isinstance(end, int):
        stop = text.count("\n", 0, end) + 1
        if stop != line:
            where = f" (reading stopped on line {stop})"
    return line, f"{what} could not be read: {reason}{where}"


def read_bibtex(path: str | Path) -> Records:
    """Read a BibTeX file into :class:`~reviewlib.io.recordset.Records`.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.bib`` file (any of the encodings :func:`~reviewlib.io.text.read_text` detects).

    Returns
    -------
    Records
        ``format="bibtex"``; ids are the citation keys; every field as written.

    Raises
    ------
    InputError
        For an empty or binary file, any entry bibtexparser could not read, repeated keys
        or repeated fields, each as ``path:line: message`` (line = where the entry starts).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> bib = pathlib.Path(tempfile.mkdtemp()) / "refs.bib"
    >>> _ = bib.write_text("@article{hung2022, title = {E-Commerce Influencers in China},"
    ...                    " year = 2022, source = {Scopus}}\\n")
    >>> read_bibtex(bib).frame.loc[0, ["id", "year", "source", "bibtex_source"]].tolist()
    ['hung2022', '2022', 'refs.bib', 'Scopus']
    """
    decoded = read_text(path)
    if decoded.text is None:
        raise InputError(decoded.problems)
    text = decoded.text
    with _quiet_bibtexparser():
        library = bibtexparser.parse_string(text)
    for block in library.failed_blocks:
        line, message = _failed_message(block, text)
        decoded.error(line, message)
    items: list[dict[str, str]] = []
    lines: list[int] = []
    for entry in library.entries:
        line = entry.start_line + 1
        item: dict[str, str] = {fields.ID: entry.key, fields.ENTRYTYPE: entry.entry_type.lower()}
        for f in entry.fields:
            name = f.key.lower()
            value = f.value if isinstance(f.value, str) else str(f.value)
            item[_PREFIX + name if name in RESERVED else name] = value
        if item.get(fields.YEAR):
            clean_year(item[fields.YEAR], decoded, (entry.fields_dict["year"].start_line + 1
                                                    if "year" in entry.fields_dict else line))
        if not item.get(fields.JOURNAL) and item.get("booktitle"):
            item[fields.JOURNAL] = item["booktitle"]
        items.append(item)
        lines.append(line)
    if not items and not decoded.problems:
        decoded.error(None, "no BibTeX entries found (expected lines such as '@article{key,')")
    return assemble(decoded, "bibtex", items, lines)


# ---------------------------------------------------------------------------- writing
def _braced(value: str) -> str:
    """``{value}`` with unbalanced braces escaped so the entry stays readable."""
    depth = 0
    balanced = True
    for ch in value:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                balanced = False
                break
    if depth != 0:
        balanced = False
    if not balanced:
        value = re.sub(r"(?<!\\)([{}])", r"\\\1", value)
    return "{" + value + "}"


def _key(raw: str, n: int, used: set[str]) -> str:
    key = _KEY_BAD.sub("_", raw.strip()) or f"record{n}"
    base, k = key, 2
    while key in used:
        key = f"{base}_{k}"
        k += 1
    used.add(key)
    return key


def _rows(data: pd.DataFrame | Records | Iterable[Record]) -> list[dict[str, str]]:
    if isinstance(data, Records):
        data = data.frame
    if isinstance(data, pd.DataFrame):
        return [{str(k): ("" if pd.isna(v) else str(v)) for k, v in row.items()}
                for row in data.to_dict("records")]
    return [r.to_dict() for r in data]


def to_bibtex_text(data: pd.DataFrame | Records | Iterable[Record]) -> str:
    """The BibTeX text of records (see :func:`write_bibtex`)."""
    used: set[str] = set()
    chunks: list[str] = []
    for n, row in enumerate(_rows(data), start=1):
        key = _key(row.get(fields.ID, ""), n, used)
        etype = (row.get(fields.ENTRYTYPE) or "misc").strip().lower() or "misc"
        values: dict[str, str] = {}
        for name, value in row.items():
            if name in RESERVED or value == "":
                continue
            out_name = name[len(_PREFIX):] if name.startswith(_PREFIX) and \
                name[len(_PREFIX):] in RESERVED else name
            values[out_name] = value
        if values.get(fields.JOURNAL) and values.get(fields.JOURNAL) == values.get("booktitle"):
            del values[fields.JOURNAL]
        order = [k for k in WRITE_ORDER if k in values] + \
                [k for k in values if k not in WRITE_ORDER]
        body = []
        for name in order:
            value = values[name]
            if name == "month" and value.strip().lower() in _MONTHS:
                body.append(f"  {name} = {value.strip().lower()},")
            else:
                body.append(f"  {name} = {_braced(value)},")
        chunks.append("@" + etype + "{" + key + ",\n" + "\n".join(body) + ("\n" if body else "") + "}\n")
    return "\n".join(chunks)


def write_bibtex(data: pd.DataFrame | Records | Iterable[Record], path: str | Path, *,
                 overwrite: bool = False) -> Path:
    """Write records as BibTeX (UTF-8, ``\\n``), atomically.

    Parameters
    ----------
    data : pandas.DataFrame, Records or iterable of Record
        Records with at least an ``id`` column; ``entrytype`` defaults to ``misc``. Every
        non-empty column except ``id``, ``entrytype`` and ``source`` becomes a field.
    path : str or pathlib.Path
        Destination; parent folders are created.
    overwrite : bool, default False
        Allow replacing an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OverwriteError
        If ``path`` exists and ``overwrite`` is false; nothing is written.

    Notes
    -----
    Ids become citation keys; characters BibTeX does not allow in a key (spaces, commas,
    braces, ...) are replaced by ``_`` and a repeated key gets a ``_2``, ``_3`` suffix.
    Values are enclosed in braces; month abbreviations (``jan`` ... ``dec``) stay bare macros.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from reviewlib.records import Record
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out.bib"
    >>> rec = Record(id="hung2022", entrytype="article", title="E-Commerce Influencers in China",
    ...              year="2022", pages="486--501")
    >>> print(write_bibtex([rec], out).read_text(), end="")
    @article{hung2022,
      title = {E-Commerce Influencers in China},
      year = {2022},
      pages = {486--501},
    }
    """
    return atomic_write(path, to_bibtex_text(data), overwrite=overwrite)
