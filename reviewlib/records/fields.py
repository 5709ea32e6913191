"""Every field and column name the package uses, in one place.

Records travel through the package as pandas DataFrames whose columns are these names, every
cell a string ("" when missing), so that readers, dedup and writers agree on one vocabulary.
"""

ID = "id"
ENTRYTYPE = "entrytype"     # BibTeX entry type / RIS TY mapped to BibTeX (article, inproceedings, ...)
TITLE = "title"
AUTHOR = "author"           # authors joined with " and " as in BibTeX
YEAR = "year"
JOURNAL = "journal"         # journal, book title or other container
VOLUME = "volume"
NUMBER = "number"           # issue
PAGES = "pages"
DOI = "doi"
ABSTRACT = "abstract"
URL = "url"
PUBLISHER = "publisher"
ISSN = "issn"
KEYWORDS = "keywords"
LANGUAGE = "language"
SOURCE = "source"           # the file (or source_id) a record was read from

#: The core bibliographic fields, in the order canonical CSV files write them.
CORE = [ID, ENTRYTYPE, TITLE, AUTHOR, YEAR, JOURNAL, VOLUME, NUMBER, PAGES, DOI, ABSTRACT]

#: Columns the dedup output adds.
MERGED_IDS = "merged_ids"
KEPT_ID = "kept_id"
RULE = "rule"
SCORE = "score"
