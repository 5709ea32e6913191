"""``reviewlib pool FILE --multilevel OUTER/INNER [--robust CLUSTER]`` through the dispatcher.

Numbers are checked against ``tests/data/meta/multilevel_reference.json`` (metafor 3.8-1
``rma.mv`` / ``rma``, clubSandwich 0.5.8 ``coef_test(vcov = "CR2")``; see
``validation/metafor/run_multilevel.R``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewlib.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "meta"
REF = {d["name"]: d for d in json.loads((DATA / "multilevel_reference.json").read_text())["datasets"]}
REL = 1e-6


def _run(capsys, *argv):
    code = main(["pool", *map(str, argv)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("name", ["konstantopoulos2011", "multilevel_synthetic"])
def test_multilevel_robust_json_equals_metafor_and_clubsandwich(capsys, name):
    d = REF[name]
    code, out, _ = _run(capsys, DATA / d["file"], "--yi", "yi", "--vi", "vi", "--multilevel",
                        f"{d['outer']}/{d['inner']}", "--robust", d["outer"], "--json")
    assert code == 0
    got = json.loads(out)
    ref, rob = d["reml"], d["reml_robust"]
    assert got["k"] == ref["k"]
    assert got["sigma2"] == pytest.approx(ref["sigma2"], rel=REL)
    for key in ("estimate", "se", "ci_low", "ci_high", "q"):
        assert got[key] == pytest.approx(ref[key], rel=REL), key
    assert got["robust_se"] == pytest.approx(rob["se"], rel=REL)
    assert got["robust_df"] == pytest.approx(rob["df"], rel=REL)
    assert got["robust_p"] == pytest.approx(rob["p"], rel=REL)


def test_multilevel_ml_without_robust(capsys):
    d = REF["assink2016"]
    code, out, _ = _run(capsys, DATA / d["file"], "--yi", "yi", "--vi", "vi",
                        "--multilevel", "study/esid", "--method", "ml", "--json")
    got = json.loads(out)
    assert code == 0 and got["method"] == "ML"
    assert got["sigma2"] == pytest.approx(d["ml"]["sigma2"], rel=REL)
    assert "robust_se" not in got


def test_robust_on_the_random_effects_model(capsys):
    d = REF["assink2016"]
    code, out, _ = _run(capsys, DATA / d["file"], "--yi", "yi", "--vi", "vi", "--robust", "study",
                        "--json")
    got = json.loads(out)
    assert code == 0
    assert got["tau2"] == pytest.approx(d["uni"]["tau2"], rel=REL)
    for key in ("se", "df", "p"):
        assert got[f"robust_{key}"] == pytest.approx(d["uni_robust"][key], rel=REL), key


def test_text_output(capsys):
    code, out, _ = _run(capsys, DATA / "konstantopoulos2011.csv", "--yi", "yi", "--vi", "vi",
                        "--multilevel", "district/school", "--robust", "district")
    assert code == 0
    assert "Multilevel random-effects model (k = 56; method: REML)" in out
    assert "sigma^2.1 = 0.0651  (11 levels of district)" in out
    assert "sigma^2.2 = 0.0327  (56 levels of district/school)" in out
    assert "Cluster-robust (CR2) inference, 11 clusters of district" in out
    assert "df = 9.86 (Satterthwaite)" in out


@pytest.fixture
def small(tmp_path):
    f = tmp_path / "dep.csv"
    f.write_text("study,sample,yi,vi\nA,1,0.1,0.02\nA,2,0.3,0.03\nB,1,0.2,0.02\n"
                 "B,2,0.5,0.04\nC,1,0.4,0.03\nC,1,0.0,0.02\n", encoding="utf-8")
    return f


def test_missing_cluster_column_names_the_header_line(capsys, small):
    code, out, err = _run(capsys, small, "--yi", "yi", "--vi", "vi", "--multilevel", "study/effect")
    assert code == 1 and out == ""
    assert err.strip() == (f"{small}:1: no column 'effect' for --multilevel; the columns are "
                           "study, sample, yi, vi")
    code, _, err = _run(capsys, small, "--yi", "yi", "--vi", "vi", "--robust", "district")
    assert code == 1 and f"{small}:1: no column 'district' for --robust" in err


def test_empty_cluster_cell_names_line_and_column(capsys, tmp_path):
    f = tmp_path / "gap.csv"
    f.write_text("study,sample,yi,vi\nA,1,0.1,0.02\n,2,0.3,0.03\nB,1,0.2,0.02\nB,,0.5,0.04\n",
                 encoding="utf-8")
    code, _, err = _run(capsys, f, "--yi", "yi", "--vi", "vi", "--multilevel", "study/sample")
    assert code == 1
    assert err.splitlines() == [
        f"{f}:3:1: study is empty: every effect needs a cluster for --multilevel",
        f"{f}:5:2: sample is empty: every effect needs a cluster for --multilevel"]


@pytest.mark.parametrize("argv,message", [
    (["--multilevel", "study/study"], "every study cluster holds a single study group"),
    (["--robust", "one"], "at least two clusters of one"),
    (["--multilevel", "one/sample"], "all 6 effects are in one one cluster"),
])
def test_degenerate_clusters_are_refused(capsys, tmp_path, argv, message):
    f = tmp_path / "deg.csv"
    f.write_text("one,study,sample,yi,vi\nx,A,1,0.1,0.02\nx,A,2,0.3,0.03\nx,B,1,0.2,0.02\n"
                 "x,B,2,0.5,0.04\nx,C,1,0.4,0.03\nx,C,1,0.0,0.02\n", encoding="utf-8")
    code, out, err = _run(capsys, f, "--yi", "yi", "--vi", "vi", *argv)
    assert code == 1 and out == ""
    assert err.startswith(f"{f}: ") and message in err


@pytest.mark.parametrize("argv,message", [
    (["--multilevel", "study"], "OUTER/INNER"),
    (["--multilevel", "study/sample", "--method", "DL"], "REML (default) or --method ML"),
    (["--multilevel", "study/sample", "--knha"], "--knha does not apply"),
    (["--robust", "study", "--by", "sample"], "--by cannot be combined"),
])
def test_usage_errors(capsys, small, argv, message):
    code, _, err = _run(capsys, small, "--yi", "yi", "--vi", "vi", *argv)
    assert code == 2 and message in err


def test_robust_clusters_that_split_the_outer_level_are_refused(capsys):
    code, _, err = _run(capsys, DATA / "konstantopoulos2011.csv", "--yi", "yi", "--vi", "vi",
                        "--multilevel", "district/school", "--robust", "study")
    assert code == 1 and "split across several clusters of study" in err
