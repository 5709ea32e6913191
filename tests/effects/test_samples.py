"""samples.csv: which sample is part of which, validated with path:line:column errors."""

import shutil
from pathlib import Path

import pytest

from reviewlib.cli import main
from reviewlib.effects import load_effects
from reviewlib.effects.samples import SAMPLE_COLUMNS, SampleTree, check_declared, load_samples
from reviewlib.errors import InputError

DATA = Path(__file__).parents[1] / "data" / "effects"
HEADER = ",".join(SAMPLE_COLUMNS) + "\n"


def test_relations_of_the_fixture_samples():
    tree = load_samples(DATA / "samples.csv")
    fit = "fitriani2023"
    rel = lambda a, b: tree.relation((fit, a), (fit, b))  # noqa: E731
    assert rel("full", "Java") == rel("Java", "full") == "nested"
    assert rel("Java", "outside Java") == "disjoint"          # one split of the full sample
    assert rel("Java", "trade (G)") == "overlap"               # two different splits
    assert rel("java", "Java ") == "same"                      # labels match as in effects.csv
    assert rel("full", "no such sample") == "unknown"
    assert tree.relation((fit, "full"), ("suryawijaya2023", "full")) == "disjoint"


def test_two_top_level_samples_are_independent_and_a_grandchild_is_nested():
    tree = SampleTree.from_records([
        dict(study_id="s", sample="study 1", n="200"), dict(study_id="s", sample="study 2"),
        dict(study_id="s", sample="women", parent_sample="study 1", split="sex", n="90"),
        dict(study_id="s", sample="young women", parent_sample="women", n="40")])
    assert tree.relation(("s", "study 1"), ("s", "study 2")) == "disjoint"
    assert tree.relation(("s", "young women"), ("s", "study 1")) == "nested"
    assert tree.relation(("s", "young women"), ("s", "study 2")) == "disjoint"


def test_every_sample_of_the_fixture_is_declared():
    assert check_declared(load_samples(DATA / "samples.csv"), load_effects(DATA / "effects.csv")) == []


def _problems(tmp_path, body):
    f = tmp_path / "samples.csv"
    f.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_samples(f)
    return [str(p).replace(str(f), "S") for p in e.value.problems]


def test_structural_errors_name_line_and_column(tmp_path):
    got = _problems(tmp_path, "a,full,,,100,\n"
                              "a,x,nowhere,,,\n"            # parent not declared
                              "a,p,q,,,\n"                  # p <-> q: a cycle
                              "a,q,p,,,\n"
                              "a,big,full,,150,\n"          # larger than its parent
                              "a,full,,,,\n"                # declared twice
                              ",y,full,,,\n"                # blank study
                              "a,z,,region,,\n"             # a split needs a parent
                              "a,w,full,,1e3,\n")           # not a count
    assert got == [
        "S:3:3: parent_sample 'nowhere' is not a sample of a in this file; declare it on a line of its own",
        "S:4:3: 'p' is its own ancestor ('p' -> 'q' -> 'p'); a sample cannot contain its parent",
        "S:5:3: 'q' is its own ancestor ('q' -> 'p' -> 'q'); a sample cannot contain its parent",
        "S:6:5: n = 150 is larger than n = 100 of its parent 'full' (line 2)",
        "S:7:2: sample 'full' of a is declared again (first on line 2)",
        "S:8:1: study_id is blank",
        "S:9:4: split 'region' needs a parent_sample: a split divides the parent sample",
        "S:10:5: n must be a positive whole number written without separators, not '1e3'",
    ]


def test_a_split_whose_parts_exceed_the_parent_is_an_error(tmp_path):
    got = _problems(tmp_path, "a,full,,,100,\na,north,full,region,60,\na,south,full,region,50,\n"
                              "a,old,full,age,90,\n")
    assert got == ["S:4:5: the samples of split 'region' (north 60, south 50) add up to 110, "
                   "more than n = 100 of 'full': samples of one split cannot overlap"]


def test_wrong_header(tmp_path):
    f = tmp_path / "samples.csv"
    f.write_text("study_id,sample,parent,n\na,b,,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="the columns must be, in order: study_id,sample,"):
        load_samples(f)


@pytest.fixture
def workdir(tmp_path):
    for name in ("effects.csv", "samples.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def test_effects_check_validates_the_samples_file_next_to_it(workdir, capsys):
    effects = workdir / "effects.csv"
    main(["effects", "check", str(effects), "--quiet"])       # the fixture has errors of its own
    assert "samples.csv" not in capsys.readouterr().out
    text = (workdir / "samples.csv").read_text(encoding="utf-8")
    (workdir / "samples.csv").write_text(text.replace("fitriani2023,non-trade,full,sector,5822",
                                                      "fitriani2023,non-trade,full,sector,99999"),
                                         encoding="utf-8")
    assert main(["effects", "check", str(effects), "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert err.endswith(": 4 error(s), 4 warning(s), 27 note(s)\n")   # 2 of the fixture + 2
    assert f"{workdir / 'samples.csv'}:6:5: error: n = 99999 is larger than n = 11077" in out
    assert "split 'sector' (trade (G) 5255, non-trade 99999) add up to 105254" in out


def test_effects_check_reports_undeclared_samples_in_the_effects_file(workdir, capsys):
    samples = workdir / "samples.csv"
    samples.write_text("".join(l for l in samples.read_text(encoding="utf-8").splitlines(True)
                               if "outside Java" not in l), encoding="utf-8")
    assert main(["effects", "check", str(workdir / "effects.csv"), "--quiet", "--json"]) == 1
    import json
    out = json.loads(capsys.readouterr().out)
    lines = [(p["line"], p["column"]) for p in out["samples"]["problems"]]
    rows = [r.line for r in load_effects(workdir / "effects.csv").rows if r.sample == "outside Java"]
    assert lines == [(line, 6) for line in rows] and rows
    assert "'outside Java' of fitriani2023 is not declared" in out["samples"]["problems"][0]["message"]


def test_a_study_with_several_samples_and_no_declaration_is_reported(tmp_path, capsys):
    shutil.copy(DATA / "effects.csv", tmp_path / "effects.csv")
    (tmp_path / "s.csv").write_text(HEADER + "suryawijaya2023,full,,,100,\n", encoding="utf-8")
    assert main(["effects", "check", str(tmp_path / "effects.csv"), "--quiet",
                 "--samples", str(tmp_path / "s.csv")]) == 1
    out = capsys.readouterr().out
    assert "fitriani2023 reports 5 samples but s.csv does not say how they relate" in out
