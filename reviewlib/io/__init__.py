"""Reading and writing the files of a review.

Tables
    ``read_table``    tolerant CSV/TSV reader (encoding, delimiter, line ends detected and
                      reported; every problem with its line and column)
    ``write_csv``     canonical CSV, written atomically, never replacing a file unless asked
Bibliographic records
    ``read_records``  one reader per suffix (``READERS``): .bib, .ris, .txt, .csv, .tsv
                      (BibTeX, RIS, Scopus CSV, Web of Science plain text and tab-delimited)
    ``write_bibtex``  records back to BibTeX, every field kept
Primitives
    ``read_text``     bytes -> text with the encoding detected (shared by all readers)
    ``atomic_write``  temp file in the destination folder, then rename
"""

from reviewlib.io.atomic import atomic_write
from reviewlib.io.bibtex import read_bibtex, to_bibtex_text, write_bibtex
from reviewlib.io.csvrecords import read_csv_records
from reviewlib.io.csvwrite import to_csv_text, write_csv
from reviewlib.io.recordset import COLUMNS, Records
from reviewlib.io.registry import READERS, read_records, read_txt
from reviewlib.io.ris import read_ris
from reviewlib.io.table import EXCEL_CELL_LIMIT, Table, read_table, table_from_text
from reviewlib.io.text import DecodedText, read_text
from reviewlib.io.wos import read_wos_plain

__all__ = [
    "COLUMNS", "DecodedText", "EXCEL_CELL_LIMIT", "READERS", "Records", "Table",
    "atomic_write", "read_bibtex", "read_csv_records", "read_records", "read_ris",
    "read_table", "read_text", "read_txt", "read_wos_plain", "table_from_text", "to_bibtex_text", "to_csv_text",
    "write_bibtex", "write_csv",
]
