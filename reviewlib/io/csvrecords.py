"""Bibliographic records from CSV/TSV tables: hand-made lists, Scopus CSV, Web of Science.

The table is read by :func:`reviewlib.io.table.read_table` (so BOM, ``;``, tabs, cp1252 and
CRLF are all handled and reported); this module only decides which column is which.

Header names are matched ignoring case and surrounding spaces. Recognised names:

======================  ==================================================================
field                   column names
======================  ==================================================================
id                      id
title                   title, article title, document title
author                  author, authors (else: author full names)
year                    year, publication year
journal                 journal, source title, source, journal/book, publication title
volume, number          volume; number, issue
pages                   pages, else page start + page end, else art. no. / article number
doi                     doi
abstract                abstract
entrytype               entrytype, document type, type
url, publisher, issn    url / link; publisher; issn
keywords, language      keywords / author keywords; language / language of original document
======================  ==================================================================

Web of Science tab-delimited exports use two-letter field tags as headers (Clarivate, "Web of
Science Core Collection field tags"); when the header has ``PT`` and ``UT`` the tags PT AU AF
TI SO PY VL IS BP EP AR DI AB DT PU SN LA DE are mapped too. Every other column is kept, its
name lower-cased with non-alphanumerics replaced by ``_``.
"""

from __future__ import annotations

import re
from pathlib import Path

from reviewlib.errors import InputError
from reviewlib.io.recordset import Records, assemble, clean_year
from reviewlib.io.table import Table, table_from_text
from reviewlib.io.text import DecodedText, read_text
from reviewlib.records import fields, normalize_authors, normalize_doi, normalize_pages, pages_from_parts

# Names per field, most specific first.
ALIASES: dict[str, tuple[str, ...]] = {
    fields.ID: ("id",),
    fields.TITLE: ("title", "article title", "document title"),
    fields.AUTHOR: ("author", "authors"),
    fields.YEAR: ("year", "publication year"),
    fields.JOURNAL: ("journal", "source title", "source", "journal/book", "publication title"),
    fields.VOLUME: ("volume",),
    fields.NUMBER: ("number", "issue"),
    fields.PAGES: ("pages",),
    fields.DOI: ("doi",),
    fields.ABSTRACT: ("abstract",),
    fields.ENTRYTYPE: ("entrytype", "document type", "type"),
    fields.URL: ("url", "link"),
    fields.PUBLISHER: ("publisher",),
    fields.ISSN: ("issn",),
    fields.KEYWORDS: ("keywords", "author keywords"),
    fields.LANGUAGE: ("language", "language of original document"),
}
_PAGE_START = ("page start", "start page")
_PAGE_END = ("page end", "end page")
_ARTICLE_NO = ("art. no.", "article number", "article no.")
_AUTHOR_FALLBACK = ("author full names",)

#: Web of Science field tags (tab-delimited export) per field.
WOS_TAGS: dict[str, tuple[str, ...]] = {
    fields.TITLE: ("TI",), fields.AUTHOR: ("AU",), fields.YEAR: ("PY",),
    fields.JOURNAL: ("SO",), fields.VOLUME: ("VL",), fields.NUMBER: ("IS",),
    fields.DOI: ("DI",), fields.ABSTRACT: ("AB",), fields.ENTRYTYPE: ("DT",),
    fields.PUBLISHER: ("PU",), fields.ISSN: ("SN",), fields.KEYWORDS: ("DE",),
    fields.LANGUAGE: ("LA",),
}

#: Document types of Scopus and Web of Science mapped to BibTeX entry types.
DOCUMENT_TYPES = {
    "article": "article", "review": "article", "editorial": "article", "letter": "article",
    "note": "article", "erratum": "article", "article in press": "article",
    "early access": "article", "data paper": "article", "short survey": "article",
    "conference paper": "inproceedings", "proceedings paper": "inproceedings",
    "conference review": "inproceedings", "book chapter": "incollection",
    "book": "book", "thesis": "phdthesis", "report": "techreport", "preprint": "unpublished",
}
_WOS_PT = {"J": "article", "B": "book", "S": "incollection", "P": "misc", "C": "inproceedings"}
_SCOPUS_MARKERS = {"eid", "source title", "link"}
_NAME = re.compile(r"[^0-9a-z]+")
_BIBTEX_TYPES = {"article", "book", "booklet", "inbook", "incollection", "inproceedings",
                 "manual", "mastersthesis", "misc", "phdthesis", "proceedings", "techreport",
                 "unpublished", "online", "report", "thesis", "conference"}


def _entrytype(value: str, wos_pt: str = "") -> str:
    v = value.strip()
    if not v:
        return _WOS_PT.get(wos_pt.strip().upper(), "")
    low = v.casefold()
    if low in _BIBTEX_TYPES:
        return low
    first = low.split(";")[0].strip()  # WoS: "Article; Proceedings Paper"
    return DOCUMENT_TYPES.get(first, "misc")


def _extra_name(header: str) -> str:
    name = _NAME.sub("_", header.casefold()).strip("_") or "column"
    if name in (fields.ID, fields.ENTRYTYPE, fields.SOURCE) or name in fields.CORE:
        name += "_as_exported"
    return name


def records_from_table(table: Table, decoded: DecodedText, *, fmt: str | None = None) -> Records:
    """Map a table's columns to record fields (see the module docstring).

    Parameters
    ----------
    table : Table
        The rows, keyed by column (for Web of Science plain text: by field tag).
    decoded : DecodedText
        The file as read; problems and notes are collected on it.
    fmt : str, optional
        Format name to report instead of the detected one. When given, problems name lines
        only (no columns), for formats whose "columns" are not columns of the file.
    """
    if table.problems:
        raise InputError(table.problems)
    decoded.notes = list(table.notes)  # the table's notes include the decoder's
    by_name: dict[str, str] = {}
    for key, name in zip(table.keys, table.header):
        by_name.setdefault(name.casefold(), key)
    tags = {name for name in table.header}
    wos = "PT" in tags and "UT" in tags

    def find(names: tuple[str, ...]) -> str | None:
        for n in names:
            if n in by_name:
                return by_name[n]
        return None

    mapping: dict[str, str] = {}
    for f, names in ALIASES.items():
        key = find(names)
        if key is None and wos and f in WOS_TAGS:
            key = next((t for t in WOS_TAGS[f] if t in tags), None)
        if key is not None and key not in mapping.values():
            mapping[f] = key
    if fields.AUTHOR not in mapping:
        key = find(_AUTHOR_FALLBACK) or ("AF" if wos and "AF" in tags else None)
        if key:
            mapping[fields.AUTHOR] = key
    start = find(_PAGE_START) or ("BP" if wos and "BP" in tags else None)
    end = find(_PAGE_END) or ("EP" if wos and "EP" in tags else None)
    art = find(_ARTICLE_NO) or ("AR" if wos and "AR" in tags else None)
    pt = "PT" if wos else None
    used = set(mapping.values()) | {k for k in (start, end, art, pt) if k}

    content = {fields.TITLE, fields.AUTHOR, fields.DOI, fields.ABSTRACT}
    if not content & set(mapping):
        decoded.error(table.header_line, "no bibliographic columns: expected at least one of "
                      "title, author/authors, doi, abstract (found: "
                      + ", ".join(table.header) + ")")
        raise InputError(decoded.problems)

    scopus = bool(_SCOPUS_MARKERS & set(by_name)) and "eid" in by_name
    has_columns = fmt is None
    if fmt is None:
        fmt = "wos-tab" if wos else "scopus-csv" if scopus else (
            "tsv" if table.delimiter == "\t" else "csv")

    items: list[dict[str, str]] = []
    for row, line in zip(table.rows, table.lines):
        item = {f: row.get(k, "") for f, k in mapping.items()}
        item[fields.AUTHOR] = normalize_authors(item.get(fields.AUTHOR, ""))
        if fields.YEAR in mapping:
            column = table.keys.index(mapping[fields.YEAR]) + 1 if has_columns else None
            item[fields.YEAR] = clean_year(item[fields.YEAR], decoded, line, column)
        pages = normalize_pages(item.get(fields.PAGES, ""))
        if not pages and (start or end):
            pages = pages_from_parts(row.get(start, "") if start else "",
                                     row.get(end, "") if end else "")
        if not pages and art:
            pages = normalize_pages(row.get(art, ""))
        item[fields.PAGES] = pages
        doi = item.get(fields.DOI, "").strip()
        item[fields.DOI] = normalize_doi(doi) or doi
        item[fields.ENTRYTYPE] = _entrytype(item.get(fields.ENTRYTYPE, ""),
                                            row.get(pt, "") if pt else "")
        for key, name in zip(table.keys, table.header):
            if key not in used:
                extra = _extra_name(name)
                if row.get(key, "") or extra not in item:
                    item[extra] = row.get(key, "")
        items.append(item)
    return assemble(decoded, fmt, items, table.lines,
                    delimiter=table.delimiter if has_columns else None)


def read_csv_records(path: str | Path, *, decoded: DecodedText | None = None) -> Records:
    """Read records from a CSV or TSV file (hand-made, Scopus CSV, Web of Science tab-delimited).

    Parameters
    ----------
    path : str or pathlib.Path
        The table.
    decoded : DecodedText, optional
        The file already read (when the format was sniffed from the content).

    Returns
    -------
    Records
        ``format`` is ``"scopus-csv"``, ``"wos-tab"``, ``"tsv"`` or ``"csv"``; ids from an
        ``id`` column, else ``"<stem>:<row>"`` (row = 1-based data row).

    Raises
    ------
    InputError
        For any problem :func:`~reviewlib.io.table.read_table` finds (ragged rows,
        unterminated quotes, ...), a table without bibliographic columns, or repeated ids.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> csv = pathlib.Path(tempfile.mkdtemp()) / "hits.csv"
    >>> _ = csv.write_text("Authors,Title,Year,Source title,Page start,Page end\\n"
    ...                    "Hung K.; Tse D.K.,E-Commerce Influencers in China,2022,"
    ...                    "Journal of Advertising,486,501\\n")
    >>> recs = read_csv_records(csv)
    >>> recs.frame.loc[0, ["id", "author", "journal", "pages"]].tolist()
    ['hits:1', 'Hung, K. and Tse, D.K.', 'Journal of Advertising', '486--501']
    """
    if decoded is None:
        decoded = read_text(path)
    table = table_from_text(decoded)
    return records_from_table(table, decoded)
