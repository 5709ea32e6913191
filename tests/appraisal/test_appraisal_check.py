"""Appraisal files are refused the way screening files are: path:line:column, exit 1,
nothing written."""

import os
import shutil

from reviewlib.appraisal import check_appraisal, load_folder, read_tools
from reviewlib.cli import main


def _where(problems):
    return [(os.path.basename(p.path), p.line, p.column) for p in problems]


def test_broken_folder_every_problem_with_its_place(data):
    folder = load_folder(data / "broken" / "appraisal")
    got = _where(folder.problems)
    assert got == [
        ("cara.csv", 2, 4),    # alpha2020 misses 3.4 and 3.5 (3.1 and 3.3 are on bad rows)
        ("cara.csv", 4, 5),    # answer 'Maybe'
        ("cara.csv", 6, 4),    # 3.3 is not a qualitative item
        ("cara.csv", 7, 4),    # 3.2 answered twice
        ("cara.csv", 8, 1),    # unknown study
        ("cara.csv", 9, 4),    # beta2021 misses 1.2-1.5 (1.2 is on a row with a bad tool)
        ("cara.csv", 12, 4),   # a descriptive item in a qualitative study
        ("cara.csv", 13, 2),   # unknown tool
        ("cara.csv", 14, 3),   # a category for a tool without categories
        ("cara.csv", 15, 1),   # empty study_id
        ("cara.csv", 16, 7),   # a seventh field
        ("dan.csv", 1, 3),     # header without category
    ]
    messages = [p.message for p in folder.problems]
    assert "3.4, 3.5" in messages[0] and "3.1" not in messages[0]
    assert "'Maybe'" in messages[1] and "Yes; No; Can't tell" in messages[1]
    assert "already answered on line 5" in messages[3]
    assert "zeta2020" in messages[4] and "studies.csv" in messages[4]
    assert "1.3, 1.4, 1.5" in messages[5]
    # CRLF and ';' are read and reported as notes, not refused
    notes = " ".join(n.message for n in folder.notes)
    assert "CRLF" in notes and "semicolon" in notes


def test_answer_spelled_differently_is_stored_as_the_tool_spells_it(data):
    folder = load_folder(data / "broken" / "appraisal")
    frame = folder.files[0].frame
    assert frame.loc[frame["line"] == 3, "answer"].item() == "Yes"   # written 'yes '


def test_cli_check_exit_codes_and_nothing_written(data, tmp_path, capsys):
    copy = tmp_path / "ws"
    shutil.copytree(data / "broken", copy)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in copy.rglob("*"))
    assert main(["appraise", "check", str(copy / "appraisal")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 12 and out[0].startswith(f"{copy / 'appraisal' / 'cara.csv'}:2:4: ")
    for action in ("status", "conflicts"):
        assert main(["appraise", action, str(copy / "appraisal")]) == 1
    assert sorted((p.name, p.stat().st_mtime_ns) for p in copy.rglob("*")) == before
    assert main(["appraise", "check", str(data / "dual" / "appraisal")]) == 0


def test_bad_tools_file(data):
    tools, problems, _ = read_tools(str(data / "bad_tools" / "appraisal" / "tools.csv"))
    assert [(p.line, p.column) for p in problems] == [(3, 3), (4, 5), (5, 6), (6, 7), (7, 8)]
    assert "already defined on line 2" in problems[0].message
    assert [it.item for it in tools["mytool"].items] == ["Q1"]


def test_added_instrument_needs_no_code(dual):
    rob2 = dual.tools["rob2"]
    assert rob2.ordered and rob2.categories == []
    assert [it.domain for it in rob2.items][:2] == ["Randomisation process",
                                                     "Deviations from intended interventions"]
    assert rob2.item("D1").answers == ("Low", "Some concerns", "High")


def test_shipped_tools_have_the_published_structure():
    """MMAT 2018: two screening questions and five categories of five items; JBI analytical
    cross-sectional: eight items."""
    tools, problems, _ = read_tools(os.path.join(os.path.dirname(__file__), "..", "..",
                                                 "appraisal", "tools.csv"))
    assert problems == []
    mmat = tools["mmat2018"]
    assert [it.item for it in mmat.items if it.gate] == ["S1", "S2"]
    assert mmat.categories == ["qualitative", "randomized", "nonrandomized", "descriptive",
                               "mixed"]
    assert all(len(mmat.items_for(c)) == 7 for c in mmat.categories)
    assert len(tools["jbi_cross_sectional"].items) == 8


def test_missing_items_and_gate(tmp_path, data):
    ws = tmp_path / "ws"
    shutil.copytree(data / "dual", ws)
    path = ws / "appraisal" / "ana.csv"
    lines = path.read_text().splitlines(keepends=True)
    # drop 3.4 of alpha2020 (line 7): refused; drop 1.5 of beta2021 (its S2 was Yes): refused
    path.write_text("".join(l for i, l in enumerate(lines, 1) if i not in (7, 15)))
    problems = load_folder(ws / "appraisal").problems
    assert [(p.line, p.column) for p in problems] == [(2, 4), (8, 4)]
    assert problems[0].message.split(": ", 1)[1].startswith("items missing") and \
        "3.4" in problems[0].message
    # ben's beta2021 answers S2 'No': the category items could have been left out
    assert "ben.csv" not in " ".join(p.path for p in problems)


def test_check_appraisal_for_the_workspace_check(data, tmp_path):
    assert check_appraisal(data / "dual") == []
    assert len(check_appraisal(data / "broken")) == 12
    assert check_appraisal(tmp_path) == []   # a review without an appraisal stage
