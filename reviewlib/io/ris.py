"""RIS in, through rispy, with line numbers for every problem.

rispy parses the tags but silently drops a record that is never closed and says nothing about
where things went wrong. So the file is first cut into records here (``TY  -`` opens one,
``ER  -`` closes it), each cut is checked, and each record is handed to rispy alone; every
problem then carries the line it is on.

Tag mapping (RIS specification, Research Information Systems 2011; Scopus and Web of Science
RIS exports): TY type, AU/A1 authors, TI/T1 title, T2/JO/JF/JA journal (T2 is the container in
Scopus exports), PY/Y1/DA year, VL volume, IS number, SP/EP pages, DO DOI, AB/N2 abstract,
ID id, UR url, PB publisher, SN issn, KW keywords, LA language. Any other tag is kept as an
extra column named by the tag in lower case (``n1``, ``db``, ``m3`` ...).
"""

from __future__ import annotations

import re
from pathlib import Path

import rispy

from reviewlib.errors import InputError
from reviewlib.io.recordset import Records, assemble, clean_year
from reviewlib.io.text import DecodedText, lines_of, read_text
from reviewlib.records import fields, normalize_authors, normalize_doi, pages_from_parts

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_TAG_LOOSE = re.compile(r"^([A-Z][A-Z0-9])\s*-\s?(.*)$")

#: RIS reference types mapped to BibTeX entry types (others become "misc").
TYPES = {
    "JOUR": "article", "EJOUR": "article", "JFULL": "article", "MGZN": "article",
    "NEWS": "article", "CONF": "inproceedings", "CPAPER": "inproceedings",
    "CHAP": "incollection", "BOOK": "book", "EBOOK": "book", "EDBOOK": "book",
    "THES": "phdthesis", "RPRT": "techreport", "UNPB": "unpublished", "GEN": "misc",
    "ELEC": "online", "DATA": "misc", "STAND": "misc",
}

# rispy's key names for the tags mapped to core fields, in order of preference.
_TITLE = ("title", "primary_title")
_JOURNAL = ("secondary_title", "journal_name", "alternate_title3", "alternate_title2")
_YEAR = ("year", "publication_year", "date")
_ABSTRACT = ("abstract", "notes_abstract")
_USED = {"type_of_reference", "authors", "first_authors", "volume", "number", "start_page",
         "end_page", "doi", "id", "urls", "publisher", "issn", "keywords", "language",
         "end_of_reference", "unknown_tag", *_TITLE, *_JOURNAL, *_YEAR, *_ABSTRACT}
_TAG_OF_KEY = {v: k for k, v in rispy.TAG_KEY_MAPPING.items()}


def _first(entry: dict, keys: tuple[str, ...]) -> str:
    for k in keys:
        v = entry.get(k)
        if v:
            return "; ".join(v) if isinstance(v, list) else str(v)
    return ""


def _split(decoded: DecodedText) -> list[tuple[int, list[str]]]:
    """Cut the text into records (start line, lines), recording structural problems."""
    records: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    start = 0
    for n, raw in enumerate(lines_of(decoded.text or ""), start=1):
        line = raw.rstrip()
        if not line.strip():
            if current is not None:
                current.append("")
            continue
        m = _TAG.match(line)
        if m is None and _TAG_LOOSE.match(line) and current is None:
            decoded.error(n, f"malformed RIS tag line {line[:30]!r} (a tag is two characters, "
                             "two spaces, a hyphen and a space: 'TY  - JOUR')")
            continue
        tag = m.group(1) if m else None
        if tag == "TY":
            if current is not None:
                decoded.error(start, "record is not closed: no 'ER  -' line before the next "
                                     f"'TY  -' on line {n}")
            current, start = [line], n
        elif tag == "ER":
            if current is None:
                decoded.error(n, "'ER  -' without an open record (no 'TY  -' before it)")
            else:
                current.append("ER  - ")
                records.append((start, current))
                current = None
        elif current is None:
            decoded.error(n, f"text outside a record: {line[:40]!r} "
                             "(every record starts with a 'TY  -' line)")
        else:
            current.append(line)
    if current is not None:
        decoded.error(start, "record is not closed: the file ends before its 'ER  -' line")
    return records


def read_ris(path: str | Path, *, decoded: DecodedText | None = None) -> Records:
    """Read a RIS file (Scopus, Web of Science, reference managers) into Records.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.ris`` (or RIS ``.txt``) file.
    decoded : DecodedText, optional
        The file already read by :func:`~reviewlib.io.text.read_text` (used when the
        format was sniffed from the content).

    Returns
    -------
    Records
        ``format="ris"``; ids from ``ID`` tags, else ``"<stem>:<n>"``.

    Raises
    ------
    InputError
        For an empty or binary file, malformed tag lines, text outside a record, a record
        that is never closed, or a record rispy cannot parse -- each as ``path:line: message``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> ris = pathlib.Path(tempfile.mkdtemp()) / "z.ris"
    >>> _ = ris.write_text("TY  - CONF\\nID  - halim2020\\nAU  - Halim, E.\\nSP  - 899\\nEP  - 904\\nER  - \\n")
    >>> read_ris(ris).frame.loc[0, ["id", "entrytype", "pages"]].tolist()
    ['halim2020', 'inproceedings', '899--904']
    """
    if decoded is None:
        decoded = read_text(path)
    if decoded.text is None:
        raise InputError(decoded.problems)
    blocks = _split(decoded)
    items: list[dict[str, str]] = []
    lines: list[int] = []
    for start, block in blocks:
        try:
            parsed = rispy.loads("\n".join(block) + "\n")
        except Exception as e:  # rispy raises plain IOError/ValueError/KeyError
            decoded.error(start, f"record could not be read by rispy: {e}")
            continue
        if len(parsed) != 1:
            decoded.error(start, f"record could not be read (rispy found {len(parsed)} records)")
            continue
        items.append(_build(parsed[0], decoded, start))
        lines.append(start)
    if not blocks and not decoded.problems:
        decoded.error(None, "no RIS records found (expected a line such as 'TY  - JOUR')")
    return assemble(decoded, "ris", items, lines)


def _build(entry: dict, decoded: DecodedText, line: int) -> dict[str, str]:
    """Map one rispy record to reviewlib field names."""
    authors = list(entry.get("authors") or []) + list(entry.get("first_authors") or [])
    ty = str(entry.get("type_of_reference", "")).strip().upper()
    urls = entry.get("urls") or []
    doi_raw = str(entry.get("doi", "")).strip()
    item = {
        fields.ID: str(entry.get("id", "")).strip(),
        fields.ENTRYTYPE: TYPES.get(ty, "misc"),
        fields.TITLE: _first(entry, _TITLE),
        fields.AUTHOR: normalize_authors(authors),
        fields.YEAR: clean_year(_first(entry, _YEAR), decoded, line),
        fields.JOURNAL: _first(entry, _JOURNAL),
        fields.VOLUME: str(entry.get("volume", "")),
        fields.NUMBER: str(entry.get("number", "")),
        fields.PAGES: pages_from_parts(entry.get("start_page", ""), entry.get("end_page", "")),
        fields.DOI: normalize_doi(doi_raw) or doi_raw,
        fields.ABSTRACT: _first(entry, _ABSTRACT),
        fields.URL: "; ".join(urls) if isinstance(urls, list) else str(urls),
        fields.PUBLISHER: str(entry.get("publisher", "")),
        fields.ISSN: str(entry.get("issn", "")),
        fields.KEYWORDS: "; ".join(entry.get("keywords") or []),
        fields.LANGUAGE: str(entry.get("language", "")),
        "ris_type": ty,
    }
    # Everything else is kept, named by its RIS tag.
    for key, value in entry.items():
        if key in _USED and not (key in _TITLE + _JOURNAL + _YEAR + _ABSTRACT
                                 and value and _first(entry, _group(key)) != _text(value)):
            continue
        tag = _TAG_OF_KEY.get(key, key)
        item[tag.lower()] = _text(value)
    for tag, values in (entry.get("unknown_tag") or {}).items():
        item[tag.lower()] = "; ".join(values)
    return item


def _group(key: str) -> tuple[str, ...]:
    for group in (_TITLE, _JOURNAL, _YEAR, _ABSTRACT):
        if key in group:
            return group
    return (key,)


def _text(value: object) -> str:
    return "; ".join(map(str, value)) if isinstance(value, list) else str(value)
