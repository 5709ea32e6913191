"""`screen check`: tolerant loading, strict checks, every problem at path:line:column.

Each broken case copies the review folder, breaks one thing, and pins the exact messages.
Line numbers refer to the fixture files in tests/data/screening/review.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewlib.io import EXCEL_CELL_LIMIT
from reviewlib.screening import check_folder, load_checked
from reviewlib.errors import InputError

TA_ANA = "review/title_abstract/ana.csv"
TA_BUDI = "review/title_abstract/budi.csv"
FT_ANA = "review/full_text/ana.csv"
FT_BUDI = "review/full_text/budi.csv"
SOURCES = "review/sources.csv"


def set_line(path: str, number: int, text: str) -> None:
    """Replace physical line ``number`` (1-based) of a UTF-8, LF file."""
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    lines[number - 1] = text
    Path(path).write_text("\n".join(lines), encoding="utf-8")


def add_line(path: str, text: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text + "\n")


def messages(root="review") -> list[str]:
    return [str(p) for p in check_folder(root)[1]]


def test_clean_folder_has_no_problems_and_reports_spreadsheet_quirks_as_notes(review):
    folder, problems = check_folder(review)
    assert problems == []
    notes = [str(n) for n in folder.notes]
    assert f"{TA_BUDI}:5: not valid UTF-8 (byte 0x96 on line 5); read as cp1252" in notes
    assert f"{TA_BUDI}: Windows line ends (CRLF)" in notes
    assert any(n.startswith(f"{TA_BUDI}:1: semicolon-delimited") for n in notes)
    # the cp1252 note is decoded, not lost
    budi = next(d for d in folder.decisions if d.path == TA_BUDI)
    assert "influencer study \u2013 consumers only?" in set(budi.frame["note"])
    assert "caf\u00e9 owners? no, consumers" in set(budi.frame["note"])
    # 15 records in the exports, 2 merged by deduplication
    assert len(folder.identified) == 15 and len(folder.records) == 13
    assert dict(zip(folder.duplicates["id"], folder.duplicates["kept_id"])) == {
        "W01": "S01", "C01": "W04"}


def test_bom_tab_and_crlf_are_accepted(review):
    text = Path(TA_ANA).read_text(encoding="utf-8")
    Path(TA_ANA).write_bytes(b"\xef\xbb\xbf" + text.replace(",", "\t").replace("\n", "\r\n")
                             .encode("utf-8"))
    folder, problems = check_folder(review)
    assert problems == []
    notes = [str(n) for n in folder.notes]
    assert f"{TA_ANA}:1: UTF-8 byte-order mark (BOM) found and removed" in notes
    assert f"{TA_ANA}:1: tab-delimited" in notes


CASES = {
    "empty file": (
        lambda: Path(TA_ANA).write_bytes(b""),
        [f"{TA_ANA}: empty file"]),
    "binary file (an xlsx saved under .csv)": (
        lambda: Path(FT_BUDI).write_bytes(b"PK\x03\x04\x14\x00\x06\x00"),
        [f"{FT_BUDI}:1: binary file: NUL byte at byte 6; not a text file (an Excel workbook? "
         "save it as CSV)"]),
    "missing header": (
        lambda: Path(TA_ANA).write_text("S01,include,,\nS02,include,,\n"),
        [f"{TA_ANA}:1: missing header: the first line has none of the expected columns "
         "(record_id, decision, reason, note)"]),
    "wrong header": (
        lambda: set_line(TA_ANA, 1, "record,decision,reason,note"),
        [f"{TA_ANA}:1:1: header must be exactly record_id,decision,reason,note "
         "(missing record_id; unexpected 'record')"]),
    "extra column in the header": (
        lambda: set_line(SOURCES, 1, "source_id,type,name,searched_on,query,file,hits"),
        None),  # checked separately below (every data row is ragged then as well)
    "row with an extra field": (
        lambda: set_line(TA_ANA, 4, "S03,exclude,topic,building energy,oops"),
        [f"{TA_ANA}:4:5: row has 5 fields but the header has 4: unexpected field 'oops'"]),
    "row with a missing field": (
        lambda: set_line(FT_ANA, 7, "S07,yes,exclude"),
        [f"{FT_ANA}:7:4: row has 3 field(s) but the header has 6: 'reason' and later "
         "columns are missing"]),
    "cell cut at Excel's limit": (
        lambda: set_line(TA_ANA, 3, "S02,include,," + "x" * EXCEL_CELL_LIMIT),
        [f"{TA_ANA}:3:4: cell has exactly 32,767 characters, Excel's cell limit: it was "
         "probably cut off"]),
    "unknown decision": (
        lambda: set_line(TA_ANA, 2, "S01,yes,,"),
        [f"{TA_ANA}:2:2: decision 'yes' is not one of include, exclude, maybe"]),
    "exclusion without a reason": (
        lambda: set_line(TA_ANA, 10, "W03,exclude,,"),
        [f"{TA_ANA}:10:3: an exclusion needs a reason code from reasons.csv "
         "(stage title_abstract)"]),
    "reason code of another stage": (
        lambda: set_line(TA_ANA, 10, "W03,exclude,drivers,"),
        [f"{TA_ANA}:10:3: reason 'drivers' is not a title_abstract code of reasons.csv "
         "(codes: design, population, topic)"]),
    "unknown record id": (
        lambda: add_line(TA_ANA, "S99,exclude,topic,"),
        [f"{TA_ANA}:13:1: record_id 'S99' is not a record of any source in sources.csv"]),
    "two ids of one work in one file": (
        lambda: add_line(TA_ANA, "W01,include,,"),
        [f"{TA_ANA}:13:1: record 'W01' and record 'S01' (line 2 of this file) are one work "
         "after deduplication (kept as 'S01'); keep one row, or mark the pair 'different' "
         "in dedup_overrides.csv"]),
    "previous-version study in a decision file": (
        lambda: add_line(TA_ANA, "P01,include,,"),
        [f"{TA_ANA}:13:1: record 'P01' is a study of the previous version of the review; it "
         "is not screened again (re-check it in previous_audit.csv)"]),
    "same id twice in one file": (
        lambda: add_line(TA_ANA, "S01,exclude,topic,"),
        [f"{TA_ANA}:13:1: record 'S01' already decided on line 2 of this file"]),
    "full text of a record excluded at title/abstract": (
        lambda: add_line(FT_ANA, "S03,yes,exclude,design,,"),
        [f"{FT_ANA}:11:1: record 'S03' was excluded at title/abstract by every reviewer "
         "(ana=exclude; budi=exclude); it has no full text to assess"]),
    "full text of a record excluded by consensus": (
        lambda: add_line(FT_ANA, "S04,yes,exclude,population,,"),
        [f"{FT_ANA}:11:1: record 'S04' was excluded at title/abstract by "
         "title_abstract/consensus.csv; it has no full text to assess"]),
    "full text of a citation record excluded on title check": (
        lambda: add_line(FT_ANA, "C03,yes,exclude,population,,"),
        [f"{FT_ANA}:11:1: record 'C03' was excluded at title/abstract by every reviewer "
         "(ana=exclude; budi=exclude); it has no full text to assess"]),
    "full text of a database record never screened": (
        lambda: (set_line(TA_ANA, 8, "W03,exclude,topic,"), set_line(TA_ANA, 10, ""),
                 Path(TA_BUDI).write_bytes(Path(TA_BUDI).read_bytes()
                                           .replace(b"S07;include;;\r\n", b""))),
        [f"{FT_ANA}:7:1: record 'S07' has no title/abstract decision yet; it comes from a "
         "database or register, so it must pass title/abstract screening before full text",
         f"{FT_BUDI}:7:1: record 'S07' has no title/abstract decision yet; it comes from a "
         "database or register, so it must pass title/abstract screening before full text"]),
    "included report without study_id": (
        lambda: set_line(FT_ANA, 5, "S05,yes,include,,,"),
        [f"{FT_ANA}:5:5: an included report needs a study_id (reports of one study share it)"]),
    "excluded report without reason": (
        lambda: set_line(FT_ANA, 7, "S07,yes,exclude,,,"),
        [f"{FT_ANA}:7:4: an excluded report needs a reason code from reasons.csv "
         "(stage full_text)"]),
    "retrieved is not yes/no": (
        lambda: set_line(FT_ANA, 2, "S01,y,include,,fitriani2023,"),
        [f"{FT_ANA}:2:2: retrieved 'y' is not one of yes, no"]),
    "decision on a report not retrieved": (
        lambda: set_line(FT_ANA, 6, "S06,no,exclude,design,,"),
        [f"{FT_ANA}:6:3: a report that was not retrieved cannot be assessed: leave "
         "decision empty"]),
    "full-text decision maybe": (
        lambda: set_line(FT_ANA, 5, "S05,yes,maybe,,hung2022,"),
        [f"{FT_ANA}:5:3: decision 'maybe' is not one of include, exclude or empty "
         "(not yet assessed)"]),
    "source file missing": (
        lambda: set_line(SOURCES, 3, "wos,database,Web of Science Core Collection,"
                                     "2026-01-16,TS=(x),search/wos_export.bib"),
        [f"{SOURCES}:3:6: file 'search/wos_export.bib' not found (looked for "
         "review/search/wos_export.bib)"]),
    "source file outside the folder": (
        lambda: set_line(SOURCES, 4, "citations,citation,Backward citations,2026-02-20,,"
                                     "/tmp/citations.csv"),
        [f"{SOURCES}:4:6: file '/tmp/citations.csv' must be a path inside the screening "
         "folder, relative to it"]),
    "source file reached through '..' out of the folder": (
        lambda: set_line(SOURCES, 4, "citations,citation,Backward citations,2026-02-20,,"
                                     "search/../../review/search/citations.csv"),
        [f"{SOURCES}:4:6: file 'search/../../review/search/citations.csv' must be a path "
         "inside the screening folder, relative to it"]),
    "search date that is not a calendar date": (
        lambda: set_line(SOURCES, 2, "scopus,database,Scopus,2026-02-30,q,search/scopus.ris"),
        [f"{SOURCES}:2:4: searched_on '2026-02-30' must be the date of the search as "
         "YYYY-MM-DD"]),
    "unknown source type": (
        lambda: set_line(SOURCES, 4, "citations,snowballing,Backward citations,2026-02-20,,"
                                     "search/citations.csv"),
        [f"{SOURCES}:4:2: type 'snowballing' is not one of database, register, website, "
         "organisation, citation, other, previous"]),
    "database without a search date": (
        lambda: set_line(SOURCES, 2, "scopus,database,Scopus,15/01/2026,q,search/scopus.ris"),
        [f"{SOURCES}:2:4: searched_on '15/01/2026' must be the date of the search as "
         "YYYY-MM-DD"]),
    "unreadable export": (
        lambda: Path("review/search/wos.bib").write_bytes(b"\x00\x01binary"),
        ["review/search/wos.bib:1: binary file: NUL byte at byte 1; not a text file"]),
    "reason with an unknown stage": (
        lambda: add_line("review/reasons.csv", "language,eligibility,Not in English"),
        ["review/reasons.csv:9:2: stage 'eligibility' is not one of title_abstract, "
         "full_text, audit"]),
    "override with an unknown decision": (
        lambda: add_line("review/dedup_overrides.csv", "S01,W01,duplicate,"),
        ["review/dedup_overrides.csv:3:3: decision 'duplicate' is not one of same, different"]),
    "audit: out of scope without reason, unknown id": (
        lambda: (set_line("review/previous_audit.csv", 5, "P04,out_of_scope,,"),
                 add_line("review/previous_audit.csv", "P09,in_scope,,")),
        ["review/previous_audit.csv:5:3: out_of_scope needs a reason code of stage audit in "
         "reasons.csv",
         "review/previous_audit.csv:6:1: record_id 'P09' is not a record of a 'previous' "
         "source in sources.csv"]),
}


@pytest.mark.parametrize("case", [k for k, v in CASES.items() if v[1] is not None])
def test_broken_file_is_reported_at_its_place(review, case):
    mutate, expected = CASES[case]
    mutate()
    got = messages()
    for line in expected:
        assert any(g == line or g.startswith(line) for g in got), (line, got)
    assert len(got) == len(expected), got


def test_header_with_an_extra_column_is_reported_once_per_place(review):
    CASES["extra column in the header"][0]()
    got = messages()
    assert got[0] == (f"{SOURCES}:1:7: header must be exactly "
                      "source_id,type,name,searched_on,query,file[,round] (unexpected 'hits')")
    # the four data rows are short of the new column: read_table reports each of them
    assert got[1:] == [f"{SOURCES}:{n}:7: row has 6 field(s) but the header has 7: 'hits' "
                       "and later columns are missing" for n in (2, 3, 4, 5)]


def test_all_problems_are_reported_together(review):
    set_line(TA_ANA, 2, "S01,yes,,")
    add_line(FT_ANA, "S03,yes,exclude,design,,")
    Path("review/title_abstract/carla.csv").write_bytes(b"")
    got = messages()
    assert got == [f"{FT_ANA}:11:1: record 'S03' was excluded at title/abstract by every "
                   "reviewer (ana=exclude; budi=exclude); it has no full text to assess",
                   f"{TA_ANA}:2:2: decision 'yes' is not one of include, exclude, maybe",
                   "review/title_abstract/carla.csv: empty file"]
    with pytest.raises(InputError) as e:
        load_checked(review)
    assert len(e.value.problems) == 3


def test_missing_sources_file(review):
    Path(SOURCES).unlink()
    got = messages()
    assert got[0].startswith(f"{SOURCES}: missing: every screening folder needs sources.csv")


def test_check_never_writes(review):
    """Bytes and modification times of every file are the same after a check."""
    set_line(TA_ANA, 2, "S01,yes,,")   # a folder with problems exercises every path

    def snapshot():
        return {p: (p.read_bytes(), p.stat().st_mtime_ns)
                for p in sorted(Path("review").rglob("*")) if p.is_file()}

    before = snapshot()
    assert messages() and check_folder(review)[1]
    from reviewlib.cli import main
    assert main(["screen", "check", "review"]) == 1
    assert main(["screen", "status", "review"]) == 1
    after = snapshot()
    assert before == after
    assert sorted(p for p in Path("review").rglob("*") if p.is_file()) == sorted(before)


def test_workbook_in_a_decision_folder_is_an_error_other_files_a_note(review):
    Path("review/title_abstract/carla.xlsx").write_bytes(b"PK\x03\x04")
    Path("review/title_abstract/README.md").write_text("who screens what\n")
    Path("review/title_abstract/~$ana.csv").write_bytes(b"lock")
    folder, problems = check_folder(review)
    assert [str(p) for p in problems] == [
        "review/title_abstract/carla.xlsx: decisions are read from .csv files only: save this "
        "workbook as CSV (carla.csv)"]
    assert "review/title_abstract/README.md: not a .csv file; ignored" in map(str, folder.notes)


def test_previous_audit_status(review):
    from reviewlib.screening import load_folder, previous_audit_status
    a = previous_audit_status(load_folder(review))
    assert a[["record_id", "study_id", "verdict", "label"]].values.tolist() == [
        ["P01", "fauzi2022", "in_scope", ""], ["P02", "anatan2023", "in_scope", ""],
        ["P03", "anatan2023", "in_scope", ""],
        ["P04", "halim2020", "out_of_scope", "Not about MSMEs under the updated criteria"]]
