"""read_table on the kinds of files reviewers actually save, and on broken ones.

The rows are real entries of the review's bibliography (Rizkita, Sudarmiati & Pratikto 2026),
typed in the layouts that Excel, LibreOffice and database exports produce.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reviewlib.errors import InputError
from reviewlib.io import EXCEL_CELL_LIMIT, read_table

HEADER = "id,title,year,doi"
# Titles are cut short; the cells only need to look like real ones (one with a comma inside).
CHEN = 'chen2023,"The Role of Influencers in Live Streaming E-Commerce: Trust, Attachment",2023,10.3390/jtaer18030081'
HUNG = "hung2022,E-Commerce Influencers in China: Dual-Route Model,2022,10.1080/00913367.2021.1990811"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def messages(t) -> list[str]:
    return [str(p) for p in t.problems]


def test_plain_utf8_csv(tmp_path):
    p = write(tmp_path, "records.csv", "\n".join([HEADER, CHEN, HUNG]) + "\n")
    t = read_table(p)
    assert (t.encoding, t.delimiter, t.newline) == ("utf-8", ",", "\n")
    assert t.header == ["id", "title", "year", "doi"]
    assert t.rows[0]["title"].endswith("E-Commerce: Trust, Attachment")
    assert t.rows[1]["doi"] == "10.1080/00913367.2021.1990811"
    assert t.lines == [2, 3]
    assert t.notes == [] and t.problems == []
    t.raise_for_problems()
    assert t.column("DOI") == 4 and t.column("title") == 2
    with pytest.raises(KeyError, match="no column 'journal'"):
        t.column("journal")


def test_excel_utf8_bom_semicolon_crlf(tmp_path):
    # What Excel writes for "CSV UTF-8" in a locale whose decimal separator is a comma.
    # The author cell holds a ';' so Excel quotes it.
    text = ("\ufeffid;author;title;year\r\n"
            'molina2022;"Molina-Sánchez, R.; García-Pérez-de-Lema, D.";Determining factors in MSMEs success: An empirical study in Mexico;2022\r\n'
            "hernandez2024;Hernández, V.;Digital data-driven technologies and the environmental sustainability;2024\r\n")
    p = write(tmp_path, "excel.csv", text)
    t = read_table(p)
    assert (t.encoding, t.delimiter, t.newline) == ("utf-8-sig", ";", "\r\n")
    assert t.header[0] == "id"  # the BOM is not part of the first name
    assert t.rows[0]["author"] == "Molina-Sánchez, R.; García-Pérez-de-Lema, D."
    assert t.rows[1]["title"].startswith("Digital data-driven technologies and the environmental")
    notes = " | ".join(n.message for n in t.notes)
    assert "byte-order mark" in notes and "semicolon" in notes and "CRLF" in notes
    assert all(n.level == "note" for n in t.notes)
    assert t.problems == []


def test_cp1252_with_accents(tmp_path):
    text = ("id,author,title\r\n"
            "hernandez2024,\"Hernández, V.; Revilla, A.; Rodríguez, A.\",Does size matter?\r\n"
            "romero2023,\"Romero-Rodriguez, L. M.; Castillo-Abdul, B.\",Toward state-of-the-art on social marketing research\r\n")
    p = write(tmp_path, "ansi.csv", text.encode("cp1252"))
    t = read_table(p)
    assert t.encoding == "cp1252"
    assert t.rows[0]["author"] == "Hernández, V.; Revilla, A.; Rodríguez, A."
    fallback = [n for n in t.notes if "not valid UTF-8" in n.message]
    assert len(fallback) == 1 and fallback[0].line == 2


def test_latin1_when_cp1252_cannot_decode(tmp_path):
    # 0x81 is undefined in cp1252; latin-1 decodes every byte.
    p = write(tmp_path, "odd.csv", b"id,name\n1,Garc\xeda\x81\n")
    t = read_table(p)
    assert t.encoding == "latin-1"
    assert t.rows[0]["name"] == "Garc\u00eda\u0081"


def test_quoted_newlines_give_physical_start_lines(tmp_path):
    text = ('id,abstract,year\n'
            'a,"First line\nsecond line\nthird",2023\n'
            'b,"one ""quoted"" word",2022\n'
            'c,,NA\n')
    t = read_table(write(tmp_path, "x.csv", text))
    assert t.lines == [2, 5, 6]
    assert t.rows[0]["abstract"] == "First line\nsecond line\nthird"
    assert t.rows[1]["abstract"] == 'one "quoted" word'
    assert t.rows[2] == {"id": "c", "abstract": "", "year": "NA"}


def test_crlf_inside_quoted_cell_becomes_lf(tmp_path):
    t = read_table(write(tmp_path, "x.csv", 'id,abstract\r\na,"x\r\ny"\r\nb,z\r\n'))
    assert t.rows[0]["abstract"] == "x\ny" and t.lines == [2, 4]


def test_tab_delimited(tmp_path):
    t = read_table(write(tmp_path, "x.tsv", "PT\tAU\tTI\tPY\nJ\tChen, N; Yang, Y\tThe Role of Influencers\t2023\n"))
    assert t.delimiter == "\t" and t.rows[0]["AU"] == "Chen, N; Yang, Y"
    assert t.notes == []  # a tab is what a .tsv file is expected to hold


def test_trailing_delimiter_is_dropped_with_a_note(tmp_path):
    # Web of Science tab-delimited exports end every line with a tab.
    t = read_table(write(tmp_path, "savedrecs.txt", "PT\tAU\tPY\t\nJ\tHung, K\t2022\t\n"))
    assert t.header == ["PT", "AU", "PY"] and t.rows == [{"PT": "J", "AU": "Hung, K", "PY": "2022"}]
    assert any("trailing delimiter" in n.message for n in t.notes)
    assert t.problems == []


def test_to_frame_keeps_strings(tmp_path):
    t = read_table(write(tmp_path, "x.csv", "id,year,n\n1,2023,NA\n2,,0012\n"))
    f = t.to_frame()
    assert list(f.columns) == ["id", "year", "n"]
    assert f.loc[0, "n"] == "NA" and f.loc[1, "year"] == "" and f.loc[1, "n"] == "0012"
    assert all(pd.api.types.is_string_dtype(f[c]) for c in f.columns)


def test_blank_lines_are_skipped(tmp_path):
    t = read_table(write(tmp_path, "x.csv", "id,year\n1,2023\n\n2,2024\n\n\n"))
    assert [r["id"] for r in t.rows] == ["1", "2"] and t.lines == [2, 4]
    assert t.problems == []


# ---------------------------------------------------------------- broken input
def test_ragged_rows_report_line_and_column(tmp_path):
    text = HEADER + "\n" + CHEN + "\n" + "hung2022,Title,2022\n" + "x,Title,2020,10.1/x,extra,more\n"
    p = write(tmp_path, "ragged.csv", text)
    t = read_table(p)
    assert messages(t) == [
        f"{p}:3:4: row has 3 field(s) but the header has 4: 'doi' and later columns are missing",
        f"{p}:4:5: row has 6 fields but the header has 4: unexpected field 'extra' and 1 more",
    ]
    # The rows are still there (padded / cut) so a caller may show them.
    assert t.rows[1]["doi"] == "" and t.rows[2]["doi"] == "10.1/x"
    with pytest.raises(InputError) as e:
        t.raise_for_problems()
    assert str(e.value).splitlines()[0].startswith(f"{p}:3:4:")


def test_ragged_row_after_multiline_cell_points_at_the_right_line(tmp_path):
    p = write(tmp_path, "r.csv", 'id,abstract,year\na,"two\nlines",2023,oops\n')
    t = read_table(p)
    assert messages(t) == [f"{p}:3:4: row has 4 fields but the header has 3: unexpected field 'oops'"]


def test_unterminated_quote(tmp_path):
    p = write(tmp_path, "q.csv", HEADER + "\n" + HUNG + '\nx,"Never closed,2020,10.1/x\ny,z,2021,\n')
    t = read_table(p)
    assert messages(t) == [f"{p}:3:2: unterminated quote: the quoted cell opened here never "
                           "closes, so the rest of the file was read into it"]
    assert len(t.rows) == 1  # the swallowed row is not returned as data


def test_text_after_closing_quote(tmp_path):
    p = write(tmp_path, "q.csv", 'id,title\n1,"5" screen"\n')
    t = read_table(p)
    assert [(q.line, q.column) for q in t.problems] == [(2, 2)]
    assert "after the closing quote" in t.problems[0].message


def test_binary_file(tmp_path):
    p = write(tmp_path, "workbook.csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
    t = read_table(p)
    assert messages(t) == [f"{p}:1: binary file: NUL byte at byte 6; not a text file "
                           "(an Excel workbook? save it as CSV)"]
    assert t.rows == [] and t.header == []


def test_utf16_is_reported(tmp_path):
    p = write(tmp_path, "u.txt", "id\tx\n1\t2\n".encode("utf-16"))
    t = read_table(p)
    assert len(t.problems) == 1 and "UTF-16" in t.problems[0].message


@pytest.mark.parametrize("data", [b"", b"\n\r\n  \n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, data):
    p = write(tmp_path, "empty.csv", data)
    t = read_table(p)
    assert [q.path for q in t.problems] == [str(p)]
    assert t.problems[0].line is None and t.problems[0].message.startswith("empty file")
    assert str(t.problems[0]).startswith(f"{p}: empty file")


def test_missing_header_numeric_first_row(tmp_path):
    p = write(tmp_path, "nohead.csv", "chen2023,include,2023\nhung2022,exclude,2022\n")
    t = read_table(p)
    assert messages(t) == [f"{p}:1:3: missing header: the first line looks like data "
                           "(column 3 is the number '2023', not a name)"]


def test_missing_header_by_expected_columns(tmp_path):
    p = write(tmp_path, "nohead.csv", "chen2023,include\nhung2022,exclude\n")
    t = read_table(p, expected=["record_id", "decision"])
    assert messages(t) == [f"{p}:1: missing header: the first line has none of the expected "
                           "columns (record_id, decision)"]
    assert read_table(p).problems == []  # without expectations the names are plausible


def test_missing_header_all_blank(tmp_path):
    p = write(tmp_path, "blankhead.csv", ",,\n1,2,3\n")
    t = read_table(p)
    assert messages(t)[0] == f"{p}:1: missing header: the first line has no column names"


def test_duplicate_and_blank_header_names(tmp_path):
    p = write(tmp_path, "dup.csv", "id,title,,Title,title\n1,a,b,c,d\n")
    t = read_table(p)
    assert messages(t) == [
        f"{p}:1:3: blank column name",
        f"{p}:1:4: duplicate column name 'Title' (also column 2 'title'; names are matched ignoring case)",
        f"{p}:1:5: duplicate column name 'title' (also column 2; names are matched ignoring case)",
    ]
    assert t.header == ["id", "title", "", "Title", "title"]
    assert t.rows[0] == {"id": "1", "title": "a", "column3": "b", "Title.4": "c", "title.5": "d"}


def test_excel_truncated_cell(tmp_path):
    long = "x" * EXCEL_CELL_LIMIT
    p = write(tmp_path, "long.csv", f"id,abstract\na,{long}\nb,{long[:-1]}\n")
    t = read_table(p)
    assert messages(t) == [f"{p}:2:2: cell has exactly 32,767 characters, Excel's cell limit: "
                           "it was probably cut off"]


def test_all_problems_are_reported_not_just_the_first(tmp_path):
    p = write(tmp_path, "many.csv", "id,id\n1\n2,3,4\n")
    t = read_table(p)
    assert [(q.line, q.column) for q in t.problems] == [(1, 2), (2, 2), (3, 3)]


def test_unopenable_file_raises(tmp_path):
    with pytest.raises(InputError) as e:
        read_table(tmp_path / "missing.csv")
    assert str(e.value).startswith(f"{tmp_path / 'missing.csv'}: cannot open the file")
    with pytest.raises(InputError):
        read_table(tmp_path)  # a folder
