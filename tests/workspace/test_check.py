"""``reviewlib check``: valid edits of a review keep it green, broken ones are located.

Every test works on a copy of the example review frozen in ``tests/data/example/`` (never
the live ``screening/`` or ``extraction/``), edited the way a reviewer would edit it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reviewlib.check import CHECKS, Check, run_checks
from reviewlib.cli import main
from reviewlib.errors import Problem, UsageError
from reviewlib.screening import load_folder

DATA = Path(__file__).resolve().parents[1] / "data"
EXAMPLE = DATA / "example"
EXPORT = DATA / "workspace" / "export.ris"

CHAPTER = """# A chapter

The previous version {cite:p}`rizkita2026integrating` and a later report
{cite:t}`fitriani2023social,suryawijaya2023tailoringb`.
"""


@pytest.fixture
def example_copy(tmp_path) -> Path:
    """A copy of the example review with one chapter that cites two known works."""
    root = tmp_path / "review"
    shutil.copytree(EXAMPLE, root)
    (root / "chapters").mkdir()
    (root / "chapters" / "intro.md").write_text(CHAPTER, encoding="utf-8")
    return root


def _append(path: Path, text: str) -> int:
    """Append rows to a CSV file; return the line number of the first one."""
    before = path.read_text(encoding="utf-8")
    if not before.endswith("\n"):
        before += "\n"
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


def _errors(root: Path, only: str | None = None) -> list[str]:
    report = run_checks(root, only=[only] if only else None)
    return [str(p) for p in report.errors]


def test_the_example_as_frozen_has_no_errors(example_copy):
    report = run_checks(example_copy)
    assert report.ok, report.errors
    assert [c.name for c in CHECKS][:5] == list(report.results)[:5]
    # The printed numbers of Fitriani et al. (2023) disagree in places (a lost minus sign in
    # Table 4, a misplaced decimal mark in Table 5): kept as printed, so warnings.
    effects = report.results["effects"]
    assert effects and all(p.level == "warning" for p in effects)
    assert any(":24:11:" in str(p) and "minus sign" in p.message for p in effects)


def test_valid_edits_keep_the_check_green(example_copy):
    screening = example_copy / "screening"
    # a new search round: one more export, registered in sources.csv
    shutil.copy(EXPORT, screening / "search" / "round2.ris")
    _append(screening / "sources.csv",
            "round2,database,A further database search,2026-12-01,msme AND export,"
            "search/round2.ris\n")
    kept = set(load_folder(screening).records["id"])
    assert {"w01", "w02", "w04"} <= kept and "w03" not in kept   # w03 is w01 abbreviated
    # decisions on the new records, and a second reviewer on some earlier ones
    _append(screening / "title_abstract" / "team.csv",
            "w04,exclude,off_topic,energy systems\n")
    team = (screening / "title_abstract" / "team.csv").read_text(encoding="utf-8")
    earlier = team.splitlines()[1:4]
    (screening / "title_abstract" / "carla.csv").write_text(
        "record_id,decision,reason,note\n" + "\n".join(earlier) + "\n"
        "w02,maybe,,livestream hosts as influencers?\n", encoding="utf-8")
    # a new effect row (a copy of the last one under a new id), a new research gap row
    effects = example_copy / "extraction" / "effects.csv"
    last = effects.read_text(encoding="utf-8").splitlines()[-1]
    _append(effects, last.replace("suryawijaya_t3_y_z", "suryawijaya_t3_y_z_copy", 1)
            .replace("Table 3, Y => Z", "Table 3, Y => Z (again)", 1) + "\n")
    _append(example_copy / "extraction" / "review" / "gaps.csv",
            'G4,"A new gap, described.","A new direction.",fitriani2023social\n')
    report = run_checks(example_copy)
    assert report.ok, [str(p) for p in report.errors]
    assert main(["check", str(example_copy), "--quiet"]) == 0


def test_an_unknown_reason_is_located(example_copy):
    path = example_copy / "screening" / "title_abstract" / "carla.csv"
    team = (example_copy / "screening" / "title_abstract" / "team.csv").read_text(encoding="utf-8")
    record = team.splitlines()[1].split(",")[0]
    path.write_text(f"record_id,decision,reason,note\n{record},exclude,made_up,\n",
                    encoding="utf-8")
    found = _errors(example_copy, "screening")
    assert any(e.startswith(f"{path}:2:3: ") and "made_up" in e for e in found), found


def test_a_decision_on_an_unknown_record_is_located(example_copy):
    line = _append(example_copy / "screening" / "title_abstract" / "team.csv",
                   "nosuchrecord2020,exclude,off_topic,\n")
    found = _errors(example_copy, "screening")
    assert any(f"team.csv:{line}:1: " in e and "nosuchrecord2020" in e for e in found), found


def test_an_unknown_key_in_a_review_table_is_located(example_copy):
    path = example_copy / "extraction" / "review" / "gaps.csv"
    line = _append(path, 'G4,"d","r",fitriani2023social;ghost1999none\n')
    assert _errors(example_copy, "references") == [
        f"{path}:{line}:4: citation key 'ghost1999none' is not in references.bib"]


def test_an_unknown_key_in_a_chapter_is_located(example_copy):
    path = example_copy / "chapters" / "intro.md"
    path.write_text(CHAPTER + "\nSee {cite:p}`fitriani2023social, nobody2001x`.\n",
                    encoding="utf-8")
    line = CHAPTER.count("\n") + 2
    column = len("See {cite:p}`fitriani2023social, ") + 1
    assert _errors(example_copy, "references") == [
        f"{path}:{line}:{column}: citation key 'nobody2001x' is not in references.bib"]


def test_an_effect_of_an_unknown_study_is_an_error(example_copy):
    effects = example_copy / "extraction" / "effects.csv"
    last = effects.read_text(encoding="utf-8").splitlines()[-1]
    line = _append(effects, last.replace("suryawijaya_t3_y_z,suryawijaya2023tailoring,",
                                         "extra_row,nostudy2020,", 1) + "\n")
    found = _errors(example_copy, "effects")
    assert found == [f"{effects}:{line}:2: study_id 'nostudy2020' is not a study of "
                     f"{example_copy / 'extraction' / 'studies.csv'}"]


def test_a_broken_effects_header_is_an_error(example_copy):
    effects = example_copy / "extraction" / "effects.csv"
    text = effects.read_text(encoding="utf-8")
    effects.write_text(text.replace("effect_id,", "effect,", 1), encoding="utf-8")
    found = _errors(example_copy, "effects")
    assert found and all(e.startswith(f"{effects}:1") for e in found), found


def test_an_unknown_driver_code_is_located(example_copy):
    studies = example_copy / "extraction" / "studies.csv"
    lines = studies.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    first = lines[1].split(",")
    first[header.index("drivers")] = "drones"
    lines[1] = ",".join(first)
    studies.write_text("\n".join(lines) + "\n", encoding="utf-8")
    col = header.index("drivers") + 1
    found = _errors(example_copy, "studies")
    assert any(e.startswith(f"{studies}:2:{col}: ") and "drones" in e for e in found), found


def test_a_repeated_bibtex_key_stops_the_reference_check(example_copy):
    bib = example_copy / "references.bib"
    text = bib.read_text(encoding="utf-8")
    first = text[text.index("@"):text.index("\n}\n") + 3]
    bib.write_text(text + "\n" + first, encoding="utf-8")
    found = _errors(example_copy, "references")
    assert len(found) == 1 and "defined twice" in found[0] and found[0].startswith(str(bib))


def test_the_command_prints_errors_and_exits_one(example_copy, capsys):
    _append(example_copy / "extraction" / "review" / "gaps.csv", 'G4,"d","r",ghost1999none\n')
    assert main(["check", str(example_copy), "--only", "references"]) == 1
    out, err = capsys.readouterr()
    assert "gaps.csv:" in out and "ghost1999none" in out
    assert "check references: 1 error(s), 0 warning(s)" in err
    assert main(["check", str(example_copy), "--only", "effects"]) == 0
    out, _ = capsys.readouterr()
    assert ": warning: [fitriani_t4_java_m1_cosman]" in out


def test_a_stage_registers_its_own_check(example_copy, monkeypatch):
    def no_notes(root: Path) -> list[Problem]:
        return [Problem(str(root / "notes.txt"), 3, 7, "something is off", "warning"),
                Problem(str(root / "notes.txt"), 1, None, "only a note", "note")]
    monkeypatch.setattr("reviewlib.check.CHECKS", [*CHECKS, Check("notes", no_notes)])
    report = run_checks(example_copy, only=["notes"])
    assert report.ok and [str(p) for p in report.warnings] == [
        f"{example_copy / 'notes.txt'}:3:7: something is off"]
    with pytest.raises(UsageError, match="no check 'nope'"):
        run_checks(example_copy, only=["nope"])


def test_a_workspace_without_data_has_nothing_to_check(tmp_path):
    (tmp_path / "references.bib").write_text("", encoding="utf-8")
    assert run_checks(tmp_path).problems == []
    (tmp_path / "references.bib").unlink()
    assert [p.message.split(":")[0] for p in run_checks(tmp_path).errors] == ["missing"]


def test_the_book_build_reports_each_error_as_a_sphinx_warning(example_copy, monkeypatch):
    from types import SimpleNamespace

    from reviewlib.synthesis import sphinx_ext
    _append(example_copy / "extraction" / "review" / "gaps.csv", 'G4,"d","r",ghost1999none\n')
    warned = []
    fake = SimpleNamespace(warning=lambda fmt, *a: warned.append(fmt % a),
                           info=lambda fmt, *a: None)
    monkeypatch.setattr("sphinx.util.logging.getLogger", lambda name: fake)
    sphinx_ext.check_data(SimpleNamespace(srcdir=str(example_copy)))
    assert len(warned) == 1 and "gaps.csv:" in warned[0] and "ghost1999none" in warned[0]


def test_a_screening_folder_without_its_sources_is_an_error(tmp_path):
    (tmp_path / "references.bib").write_text("", encoding="utf-8")
    (tmp_path / "screening" / "title_abstract").mkdir(parents=True)
    (errors,) = run_checks(tmp_path, only=["screening"]).errors
    assert errors.path == str(tmp_path / "screening" / "sources.csv")
    assert errors.message.startswith("missing:")


def test_prisma_arithmetic_is_checked_and_unfinished_screening_is_only_a_warning(
        example_copy, monkeypatch):
    assert run_checks(example_copy, only=["prisma"]).results["prisma"] == []
    # a report sought in full without its full-text row yet: a review in progress
    ft = example_copy / "screening" / "full_text" / "team.csv"
    lines = ft.read_text(encoding="utf-8").splitlines(keepends=True)
    ft.write_text("".join(line for line in lines if not line.startswith("fitriani2023social,")),
                  encoding="utf-8")
    report = run_checks(example_copy, only=["screening", "prisma"])
    assert report.ok, report.errors
    (warning,) = report.results["prisma"]
    assert warning.level == "warning" and warning.message.startswith(
        "screening is not finished (1 report awaits retrieval or a full-text decision)")
    # a count that cannot add up once every record is decided is an error
    import reviewlib.prisma.counts as counts
    monkeypatch.setattr(counts, "waiting_counts", lambda ta, ft: {"title_abstract": 0})
    (error,) = run_checks(example_copy, only=["prisma"]).errors
    assert "reports sought for retrieval" in error.message and "fitriani2023social" in error.message
