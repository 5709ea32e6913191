"""Reading and writing the files of a review.

``read_table``    tolerant reader for CSV/TSV tables (encoding, delimiter, line ends detected)
``write_csv``     canonical CSV, written atomically, never replacing a file unless asked
``atomic_write``  the temp-file-and-rename primitive every writer uses
"""

from reviewlib.io.atomic import atomic_write
from reviewlib.io.csvwrite import to_csv_text, write_csv
from reviewlib.io.table import EXCEL_CELL_LIMIT, Table, read_table

__all__ = ["EXCEL_CELL_LIMIT", "Table", "atomic_write", "read_table", "to_csv_text", "write_csv"]
