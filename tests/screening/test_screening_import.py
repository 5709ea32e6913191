"""`screen import`: decisions from ASReview LAB (CSV, RIS) and Rayyan (CSV) exports.

The exports are in tests/data/screening/import (see its README); they describe records of
the review fixture folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reviewlib import cli
from reviewlib.errors import InputError, UsageError
from reviewlib.io import read_table
from reviewlib.screening import check_folder, title_abstract_status
from reviewlib.screening.importing import import_decisions, read_tool_export

IMPORT = Path(__file__).resolve().parents[1] / "data" / "screening" / "import"


@pytest.fixture
def exports(review) -> Path:
    shutil.copytree(IMPORT, "exports")
    return Path("exports")


def rows(path) -> list[list[str]]:
    t = read_table(path)
    return [[r[h] for h in t.header] for r in t.rows]


def test_asreview_csv_rows_match_by_id_doi_and_title(exports):
    r = import_decisions("review", exports / "asreview_carla.csv", exclude_reason="topic")
    assert r.tool == "asreview"
    assert r.decisions.values.tolist() == [
        ["S01", "include", "", "imported from asreview_carla.csv line 2"],   # by id
        ["S03", "exclude", "topic", "imported from asreview_carla.csv line 3"],   # DOI as URL
        ["S04", "exclude", "topic", "imported from asreview_carla.csv line 4"],   # title
        ["W03", "exclude", "topic", "imported from asreview_carla.csv line 7"]]   # DOI
    # W01 (line 5) was merged into S01 and says the same: one row for the work
    assert dict(r.matched_by) == {"id": 2, "doi": 2, "title": 1}
    assert r.not_screened == 1   # S05 has no label
    src = "exports/asreview_carla.csv"
    assert [str(p) for p in r.unmatched] == [
        f"{src}:6: row ('Tailoring the future of MSME marketing: how social media, e-...'): "
        "its title matches several records (S02, W02); decide on one of them by hand",
        f"{src}:8: row ('Digital transformation of village-owned enterprises in rural...'): "
        "matches no record of the folder by id, DOI or title",
        f"{src}:10: record 'S06': this row says include, line 11 says exclude about the same "
        "record; neither is written",
        f"{src}:11: record 'S06': this row says exclude, line 10 says include about the same "
        "record; neither is written"]


def test_asreview_ris_labels_are_read_from_the_notes(exports):
    tool, got = read_tool_export(exports / "asreview_dewi.ris")
    assert tool == "asreview"
    assert [(x.line, x.id, x.decision) for x in got] == [
        (1, "S07", "exclude"), (10, "", "exclude"), (17, "", "include"), (23, "", "")]
    r = import_decisions("review", exports / "asreview_dewi.ris", exclude_reason="design")
    assert r.decisions[["record_id", "decision", "reason"]].values.tolist() == [
        ["S07", "exclude", "design"], ["C03", "exclude", "design"], ["W04", "include", ""]]
    assert r.unmatched == [] and r.not_screened == 1


def test_rayyan_decisions_of_one_collaborator_with_their_reasons(exports):
    r = import_decisions("review", exports / "rayyan.csv", tool_reviewer="eka",
                         exclude_reason="design")
    assert r.tool == "rayyan"
    assert r.decisions.values.tolist() == [
        ["S01", "include", "", "imported from rayyan.csv line 2"],
        # "Not about MSMEs" is the label of the code population in reasons.csv
        ["S04", "exclude", "population", "imported from rayyan.csv line 3"],
        ["W03", "exclude", "design", "imported from rayyan.csv line 4; rayyan reason: wrong "
                                     "outcome"]]
    assert r.not_screened == 1   # line 5 was screened by Fajar only
    assert [str(p) for p in r.unmatched] == [
        "exports/rayyan.csv:6: row ('Village tourism websites and small lodging firms in "
        "Bali'): matches no record of the folder by id, DOI or title"]
    fajar = import_decisions("review", exports / "rayyan.csv", tool_reviewer="Fajar")
    assert fajar.decisions[["record_id", "decision", "reason"]].values.tolist() == [
        ["S01", "maybe", ""], ["S04", "exclude", "population"], ["W04", "include", ""]]


def test_an_unknown_rayyan_collaborator_is_refused(exports):
    with pytest.raises(UsageError, match="no Rayyan collaborator named 'gita'; the export has "
                                         "Eka, Fajar"):
        import_decisions("review", exports / "rayyan.csv", tool_reviewer="gita")


def test_exclusions_without_a_reason_stop_the_import(exports):
    with pytest.raises(InputError) as e:
        import_decisions("review", exports / "asreview_carla.csv")
    assert [str(p) for p in e.value.problems] == [
        "exports/asreview_carla.csv:3: 4 exclusion(s) without a reason code of reasons.csv "
        "(lines 3, 4, 7, 11); give one with --exclude-reason CODE (codes: design, population, "
        "topic)"]


def test_a_file_without_decisions_is_refused(exports):
    with pytest.raises(InputError, match="no screening decisions found"):
        import_decisions("review", Path("review/search/citations.csv"))


def test_cli_writes_a_file_that_passes_the_check_and_never_overwrites(exports, capsys):
    argv = ["screen", "import", "--reviewer", "carla", "--exclude-reason", "topic",
            "exports/asreview_carla.csv", "review"]
    assert cli.main(argv) == 0
    out, err = capsys.readouterr()
    assert out.count("exports/asreview_carla.csv:") == 4   # the rows not imported, listed
    assert "4 decision(s) from asreview (2 by doi, 2 by id, 1 by title)" in err
    written = Path("review/title_abstract/carla.csv")
    assert rows(written)[0] == ["S01", "include", "", "imported from asreview_carla.csv line 2"]
    folder, problems = check_folder("review")
    assert problems == []
    ta = title_abstract_status(folder).set_index("record_id")
    assert "carla=include" in ta.loc["S01", "decisions"]
    before = written.read_bytes()
    assert cli.main(argv) == 2   # refuses to replace carla's file
    assert "not replaced without --force" in capsys.readouterr().err
    assert written.read_bytes() == before
    assert cli.main(argv[:2] + ["--force"] + argv[2:]) == 0


def test_cli_writes_nothing_when_the_import_fails(exports, capsys):
    assert cli.main(["screen", "import", "--reviewer", "carla",
                     "exports/asreview_carla.csv", "review"]) == 1
    assert "--exclude-reason CODE" in capsys.readouterr().err
    assert not Path("review/title_abstract/carla.csv").exists()
