"""Living updates: a second search round keeps every earlier decision valid.

The round-2 export is tests/data/screening/update/scopus_2026_09.ris (see its README): a
richer copy of the already-screened S05, and two new records.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reviewlib import cli
from reviewlib.dedup import deduplicate
from reviewlib.errors import InputError
from reviewlib.prisma import count_folder, draw, prisma_counts, template_frame
from reviewlib.screening import (
    check_folder,
    check_rounds,
    load_checked,
    record_rounds,
    title_abstract_status,
)

UPDATE = Path(__file__).resolve().parents[1] / "data" / "screening" / "update"
SOURCES = "review/sources.csv"
TA_ANA = "review/title_abstract/ana.csv"
NEW_SOURCE = ("scopus_update,database,Scopus (search repeated),2026-09-01,"
              "same query as scopus,search/scopus_2026_09.ris,2")


def add_round(root: Path, row: str = NEW_SOURCE) -> None:
    """Number the existing sources round 1 and add the round-2 export."""
    shutil.copy(UPDATE / "scopus_2026_09.ris", root / "search")
    lines = (root / "sources.csv").read_text(encoding="utf-8").rstrip("\n").split("\n")
    out = [lines[0] + ",round"]
    out += [ln + ("," if ln.split(",")[1] == "previous" else ",1") for ln in lines[1:]]
    (root / "sources.csv").write_text("\n".join(out + [row]) + "\n", encoding="utf-8")


def replace_in(path: str, old: str, new: str) -> None:
    text = Path(path).read_text(encoding="utf-8")
    assert old in text
    Path(path).write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def updated(review) -> Path:
    add_round(review)
    return review


def test_a_richer_copy_of_a_screened_record_keeps_its_id_and_its_decisions(updated):
    folder, problems = check_folder(updated)
    assert problems == []
    recs = folder.records.set_index("id")
    # S05 stays the kept id; the new copy is merged into it and fills its empty abstract
    assert recs.loc["S05", "merged_ids"] == "S05;U01"
    assert recs.loc["S05", "abstract"].startswith("Influencers who sell on e-commerce")
    assert folder.merged["U01"] == "S05"
    ta = title_abstract_status(folder).set_index("record_id")
    assert ta.loc["S05", "decisions"] == "ana=maybe; budi=include"
    assert ta.loc["S05", "final"] == "include"


def test_without_the_preference_the_richer_copy_would_take_the_id(updated):
    # the scenario is real: by completeness alone U01 (with an abstract) is the better copy
    folder, _ = check_folder(updated)
    records = folder.identified.drop(columns=["source_id", "type", "column"])
    plain = deduplicate(records)
    assert dict(zip(plain.duplicates["id"], plain.duplicates["kept_id"]))["S05"] == "U01"
    kept = deduplicate(records, prefer={"S05"})
    assert dict(zip(kept.duplicates["id"], kept.duplicates["kept_id"]))["U01"] == "S05"
    # fields still come from the richer copy
    assert kept.records.set_index("id").loc["S05", "origin"] == "abstract=U01"
    # ranked preferences: the higher rank wins, whatever the completeness
    for ranks, winner in (({"S05": 2, "U01": 1}, "S05"), ({"S05": 1, "U01": 2}, "U01")):
        r = deduplicate(records, prefer=ranks)
        assert "S05;U01" in set(r.records.loc[r.records["id"] == winner, "merged_ids"])


def test_a_decision_on_a_merged_record_follows_its_work(updated):
    # ana decides on the new copy's id: her row applies to the work S05 is in, and the
    # work keeps the id of its round-1 copy, although both copies have decisions now
    replace_in(TA_ANA, "S05,maybe,,", "U01,maybe,,")
    folder, problems = check_folder(updated)
    assert problems == []
    ta = title_abstract_status(folder)
    row = ta[ta["record_id"].isin(["S05", "U01"])]
    assert row["record_id"].tolist() == ["S05"]
    assert row["decisions"].iloc[0] == "ana=maybe; budi=include"
    ana = next(d for d in folder.decisions if d.path == TA_ANA).frame
    assert ana.loc[ana["listed_id"] == "U01", "record_id"].iloc[0] == "S05"


def test_new_records_of_the_latest_round_are_listed(updated, capsys):
    folder, _ = check_folder(updated)
    rounds = record_rounds(folder).set_index("record_id")
    assert set(rounds.index[rounds["new"]]) == {"U02", "U03"}
    assert rounds.loc["S05", "rounds"] == "1;2" and not rounds.loc["S05", "new"]
    assert cli.main(["screen", "status", "review"]) == 0
    text = capsys.readouterr().out
    assert ("Search round 2 (latest): 2 new record(s); 1 record(s) of earlier rounds found "
            "again (their decisions stand)") in text
    new_rows = [ln.split() for ln in text.split("Search round 2")[1].splitlines()[2:4]]
    assert new_rows == [["U02", "dbr", "not", "screened", "yet"],
                        ["U03", "dbr", "not", "screened", "yet"]]


def test_a_folder_without_rounds_has_no_new_records_section(review, capsys):
    assert cli.main(["screen", "status", "review"]) == 0
    assert "Search round" not in capsys.readouterr().out


ROUND_CASES = {
    "gap in the round numbers": (
        NEW_SOURCE[:-1] + "3",
        f"{SOURCES}:6:7: no source of round 2: number the search rounds 1, 2, 3, ... in the "
        "order they were run"),
    "later round searched earlier": (
        NEW_SOURCE.replace("2026-09-01", "2026-01-20"),
        f"{SOURCES}:6:4: source 'scopus_update' of round 2 was searched on 2026-01-20, before "
        "'citations' of round 1 (line 4, 2026-02-20); a later round cannot be searched "
        "earlier"),
    "round that is not a number": (
        NEW_SOURCE[:-1] + "two",
        f"{SOURCES}:6:7: round 'two' must be the number of the search round (1 for the first "
        "search, 2 for the first update, ...)"),
    "round left empty": (
        NEW_SOURCE[:-1],
        f"{SOURCES}:6:7: round '' must be the number of the search round (1 for the first "
        "search, 2 for the first update, ...)"),
}


@pytest.mark.parametrize("case", ROUND_CASES)
def test_broken_rounds_are_reported_at_their_cell(review, case):
    row, expected = ROUND_CASES[case]
    add_round(review, row)
    assert [str(p) for p in check_rounds(review)] == [expected]


def test_a_previous_source_has_no_round(review):
    add_round(review)
    replace_in(SOURCES, "search/previous.csv,", "search/previous.csv,1")
    assert [str(p) for p in check_rounds(review)] == [
        f"{SOURCES}:5:7: round '1' must be empty for a 'previous' source (the previous "
        "version is not a search round)"]


# ---------------------------------------------------------------------- PRISMA of an update
def screen_new_records() -> None:
    with open(TA_ANA, "a", encoding="utf-8") as fh:
        fh.write("U02,exclude,topic,\nU03,include,,\n")
    with open("review/full_text/ana.csv", "a", encoding="utf-8") as fh:
        fh.write("U03,yes,exclude,design,,\n")


def test_the_update_diagram_counts_only_the_new_round_as_identified(updated):
    with pytest.raises(InputError) as e:   # the new records are not screened yet
        prisma_counts(updated)
    assert "records without a title/abstract decision: U02, U03" in str(e.value.problems[0])
    screen_new_records()
    before = count_folder(load_checked(updated), update=False)
    p = prisma_counts(updated)
    assert p.update_round == 2
    # round 2: 3 records, U01 already found in round 1 (a duplicate), 2 screened
    assert (p["database_results"], p["duplicates"], p["records_screened"],
            p["records_excluded"], p["dbr_sought_reports"], p["dbr_assessed"]) == (3, 1, 2, 1, 1, 1)
    assert p["database_specific_results"] == [("Scopus (search repeated)", 3)]
    assert p["dbr_excluded"] == [("Review, editorial or opinion piece", 1)]
    assert (p["new_studies"], p["new_reports"]) == (0, 0)
    # earlier rounds join the previous version: 3 previous studies (4 reports) + the 5
    # studies (6 reports) included in round 1
    assert (p["previous_studies"], p["previous_reports"]) == (3 + 5, 4 + 6)
    assert p.has_previous and not p.has_other   # round 2 searched no other source
    # counted as one review or as an update, the totals are the same
    assert (p["total_studies"], p["total_reports"]) == (before["total_studies"],
                                                       before["total_reports"]) == (7, 9)
    assert before["database_results"] == 14 and before["duplicates"] == 2
    # the R template and the diagram carry the update's numbers
    t = template_frame(p).set_index("data")
    assert int(t.loc["database_results", "n"]) == 3
    assert int(t.loc["previous_studies", "n"]) == 8
    draw(p)
