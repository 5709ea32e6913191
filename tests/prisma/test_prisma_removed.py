"""Records removed before screening (removed.csv) and identities that can fail.

The review folder's counts by hand are in test_prisma_counts.py. Here S06 and S07 (Scopus)
lose their decisions and are removed before screening instead: S06 by an automation tool,
S07 for another reason. By hand: 11 database records, 1 duplicate, 1 removed by a tool, 1
for another reason, 10 - 2 = 8 screened (3 excluded, 5 sought: S01 S02 S05 W02 W04), none
not retrieved, 5 assessed, none excluded at full text.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import reviewlib.dedup
import reviewlib.io
from reviewlib.errors import InputError
from reviewlib.prisma import ScreeningIncomplete, draw, prisma_counts, template_frame
from reviewlib.screening import check_folder, check_removed

REMOVED = "review/removed.csv"
FILES = ("review/title_abstract/ana.csv", "review/title_abstract/budi.csv",
         "review/full_text/ana.csv", "review/full_text/budi.csv")
GOOD = ("record_id,reason,tool,note\n"
        "S06,classified as not an empirical study (score 0.02 below the 0.10 cut-off),"
        "RobotAnalyst,\n"
        "S07,retracted by the publisher,,retraction notice of 2026-03-02\n")


@pytest.fixture
def removed(review, drop) -> Path:
    for p in FILES:
        drop(p, "S06", "S07")
    Path(REMOVED).write_text(GOOD, encoding="utf-8")
    return review


def test_removed_records_are_counted_before_screening(removed):
    p = prisma_counts(removed)
    assert (p["database_results"], p["duplicates"], p["excluded_automatic"],
            p["excluded_other"], p["records_screened"]) == (11, 1, 1, 1, 8)
    assert (p["records_excluded"], p["dbr_sought_reports"], p["dbr_notretrieved_reports"],
            p["dbr_assessed"], p["dbr_excluded"]) == (3, 5, 0, 5, [])
    t = template_frame(p).set_index("data")
    assert (int(t.loc["excluded_automatic", "n"]), int(t.loc["excluded_other", "n"])) == (1, 1)
    text = " ".join(t.get_text() for t in draw(p).findobj(lambda a: hasattr(a, "get_text")))
    text = " ".join(text.split())
    assert "automation tools (n = 1)" in text and "other reasons (n = 1)" in text


def test_a_removed_record_is_not_due_for_screening(removed):
    folder, problems = check_folder(removed)
    assert problems == [] and folder.removed_ids == {"S06", "S07"}
    from reviewlib.screening import title_abstract_status
    assert not {"S06", "S07"} & set(title_abstract_status(folder)["record_id"])


BROKEN = {
    "unknown record": ("S99,retracted,,", "1: record_id 'S99' is not a record of any source "
                       "in sources.csv"),
    "previous-version study": ("P01,retracted,,", "1: record_id 'P01' is not a record of any "
                               "source in sources.csv (a study of the previous version: "
                               "re-check it in previous_audit.csv)"),
    "listed twice": ("S06,duplicate row,,", "1: record 'S06' already removed on line 2"),
    "record with decisions": ("S01,retracted,,", "1: record 'S01' is removed before screening "
                              "but has a decision in review/title_abstract/ana.csv (line 2); "
                              "keep one of the two"),
    "record found only by other methods": (
        "C03,retracted,,", "1: record 'C03' was found only by other methods; PRISMA 2020 "
        "removes records before screening in the databases and registers column only "
        "(exclude it with a title check instead)"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_removal_rows_are_reported_at_their_cell(removed, case):
    row, expected = BROKEN[case]
    with open(REMOVED, "a", encoding="utf-8") as fh:
        fh.write(row + "\n")
    assert [str(x) for x in check_removed(removed)] == [f"{REMOVED}:4:{expected}"]


def test_a_removal_needs_a_reason(removed):
    Path(REMOVED).write_text(GOOD.replace("retracted by the publisher", ""), encoding="utf-8")
    assert [str(x) for x in check_removed(removed)] == [
        f"{REMOVED}:3:2: reason is empty: say why the record was removed (with the automation "
        "tool in 'tool', or 'tool' empty for other reasons)"]


def test_the_check_also_takes_the_workspace_that_holds_the_folder(removed):
    Path(REMOVED).write_text(GOOD.replace("retracted by the publisher", ""), encoding="utf-8")
    Path("ws").mkdir()
    removed.rename("ws/screening")
    assert [str(x) for x in check_removed("ws")] == [
        "ws/screening/removed.csv:3:2: reason is empty: say why the record was removed (with "
        "the automation tool in 'tool', or 'tool' empty for other reasons)"]


def test_removed_csv_needs_its_header(removed):
    Path(REMOVED).write_text("record_id,why\nS06,x\n", encoding="utf-8")
    got = [str(x) for x in check_removed(removed)]
    assert got[0] == (f"{REMOVED}:1:2: header must be exactly record_id,reason,tool,note "
                      "(missing reason, tool, note; unexpected 'why')")


# ---------------------------------------------------------------------- identities can fail
def test_a_record_the_reader_loses_is_caught_by_counting_the_file(review, monkeypatch, drop):
    for p in FILES:   # S07, the last Scopus record, has no decision that would fail first
        drop(p, "S07")
    read = reviewlib.io.read_records

    def lossy(path):   # a reader defect: the last record of the Scopus export vanishes
        records = read(path)
        if str(path).endswith("scopus.ris"):
            records.frame = records.frame.iloc[:-1]
        return records

    monkeypatch.setattr(reviewlib.io, "read_records", lossy)
    with pytest.raises(InputError) as e:
        prisma_counts(review)
    assert [str(x) for x in e.value.problems] == [
        "review/search/scopus.ris: the file holds 7 record(s), counted from its text, but 6 "
        "were read from it: a record the reader could not separate would be missing from "
        "the PRISMA counts"]
    assert not isinstance(e.value, ScreeningIncomplete)


def test_a_record_deduplication_loses_is_caught_by_the_identification_identity(
        review, monkeypatch):
    dedup = reviewlib.dedup.deduplicate

    def lossy(frame, **kw):   # a deduplication defect: W01 is in no work any more
        result = dedup(frame, **kw)
        recs = result.records.copy()
        recs["merged_ids"] = recs["merged_ids"].str.replace("S01;W01", "S01")
        return dataclasses.replace(result, records=recs)

    monkeypatch.setattr(reviewlib.dedup, "deduplicate", lossy)
    with pytest.raises(InputError) as e:
        prisma_counts(review)
    assert [str(x) for x in e.value.problems] == [
        "review/sources.csv: records identified from databases and registers (11) differ "
        "from duplicates (0, from deduplication) + removed before screening (0, from "
        "removed.csv) + screened (10, from the title/abstract files)"]
    # every record is decided, so this is a defect, not screening in progress
    assert not isinstance(e.value, ScreeningIncomplete)
