"""The bibliographic record and one small normaliser per field.

``fields``   every field/column name (``fields.CORE`` is the canonical column order)
``Record``   one record: the named fields as strings plus ``extra``
``doi``      :func:`normalize_doi`
``title``    :func:`fold` (the one folding of titles and names), :func:`title_key`, :func:`strip_markup`
``authors``  :func:`parse_authors`, :func:`format_authors`, :class:`Author`, :func:`family_key`
``pages``    :func:`normalize_pages`, :func:`pages_from_parts`
``year``     :func:`normalize_year`, :func:`parse_year` (raises :class:`YearError`)
"""

from reviewlib.records import fields
from reviewlib.records.authors import Author, family_key, format_authors, normalize_authors, parse_authors
from reviewlib.records.doi import normalize_doi
from reviewlib.records.pages import normalize_pages, pages_from_parts
from reviewlib.records.record import Record
from reviewlib.records.title import fold, strip_markup, title_key
from reviewlib.records.year import YearError, normalize_year, parse_year

__all__ = [
    "Author", "Record", "YearError", "family_key", "fields", "format_authors", "normalize_authors",
    "normalize_doi", "normalize_pages", "normalize_year", "pages_from_parts", "parse_authors",
    "fold", "parse_year", "strip_markup", "title_key",
]
