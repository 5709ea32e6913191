"""``reviewlib pool``, run in-process through the command-line dispatcher."""

from __future__ import annotations

import json

import pytest

from metafor_ref import DATA, REF
from reviewlib.cli import main

BCG = str(DATA / "bcg.csv")


def test_summary_text(capsys):
    assert main(["pool", BCG, "--yi", "yi", "--vi", "vi", "--label", "label"]) == 0
    out = capsys.readouterr().out
    assert "Random-Effects Model (k = 13; tau^2 estimator: REML)" in out
    assert "-0.7145  0.1798  -3.9744" in out


@pytest.mark.parametrize("method,knha", [("REML", False), ("DL", True), ("FE", False), ("pm", True)])
def test_json_matches_metafor(capsys, method, knha):
    argv = ["pool", BCG, "--yi", "yi", "--vi", "vi", "--method", method, "--json"]
    assert main(argv + (["--knha"] if knha else [])) == 0
    out = json.loads(capsys.readouterr().out)
    ref = REF["pooled"]["bcg"][f"{method.upper()}_{'knha' if knha else 'z'}"]
    assert out["k"] == 13 and out["method"] == method.upper()
    for key in ("estimate", "se", "ci_low", "ci_high", "tau2", "i2", "h2", "q", "q_p"):
        assert out[key] == pytest.approx(ref[key], rel=1e-6, abs=1e-12), key
    if method.upper() != "FE":
        assert out["pi_low"] == pytest.approx(ref["pi_low"], rel=1e-6)
    else:
        assert (out["pi_low"], out["pi_high"]) == (out["ci_low"], out["ci_high"])


def test_bad_cells_are_reported_with_line_and_column(tmp_path, capsys):
    bad = tmp_path / "effects.csv"
    bad.write_text("study,yi,vi\nA,0.1,0.02\nB,abc,0.03\nC,0.2,0\nD,,0.01\n", encoding="utf-8")
    assert main(["pool", str(bad), "--yi", "yi", "--vi", "vi"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{bad}:3:2: yi is not a number: 'abc'",
                   f"{bad}:4:3: vi must be positive, not 0",
                   f"{bad}:5:2: yi is empty"]


def test_decimal_comma_hint(tmp_path, capsys):
    f = tmp_path / "excel.csv"
    f.write_text("yi;vi\n0,5;0,1\n", encoding="utf-8")
    assert main(["pool", str(f), "--yi", "yi", "--vi", "vi"]) == 1
    assert "decimal comma" in capsys.readouterr().err


def test_usage_errors(capsys):
    assert main(["pool", BCG, "--yi", "effect", "--vi", "vi"]) == 2
    assert "no column 'effect'" in capsys.readouterr().err
    assert main(["pool", "--yi", "yi", "--vi", "vi"]) == 2
    assert main(["pool", BCG, "--yi", "yi"]) == 2
    assert main(["pool", BCG, "--yi", "yi", "--vi", "vi", "--method", "XX"]) == 2


def test_single_study_random_effects_is_a_usage_error(tmp_path, capsys):
    f = tmp_path / "one.csv"
    f.write_text("yi,vi\n0.3,0.04\n", encoding="utf-8")
    assert main(["pool", str(f), "--yi", "yi", "--vi", "vi"]) == 2
    assert "at least 2 studies" in capsys.readouterr().err
    assert main(["pool", str(f), "--yi", "yi", "--vi", "vi", "--method", "FE", "--json"]) == 0


def test_by_refuses_a_blank_group_cell(tmp_path, capsys):
    """A blank subgroup cell is an error at its line and column, not a group named ''."""
    f = tmp_path / "groups.csv"
    f.write_text("g,yi,vi\na,0.1,0.01\na,0.2,0.02\nb,0.3,0.03\n ,0.5,0.1\nb,0.4,0.03\n",
                 encoding="utf-8")
    assert main(["pool", str(f), "--yi", "yi", "--vi", "vi", "--by", "g"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{f}:5:1: g is empty: every study needs a subgroup for --by g"]


def test_by_with_zero_se_group_is_a_clear_error_not_nan(tmp_path, capsys):
    """Identical effects in a group give SE 0 under Knapp-Hartung (as in metafor); the
    between-group test is then undefined: a message, never NaN or a JSON traceback."""
    f = tmp_path / "groups.csv"
    f.write_text("g,yi,vi\na,0.1,0.01\na,0.2,0.02\nb,0.3,0.03\nb,0.3,0.03\n", encoding="utf-8")
    for extra in ([], ["--json"]):
        code = main(["pool", str(f), "--yi", "yi", "--vi", "vi", "--by", "g", "--knha", *extra])
        assert code == 2
        err = capsys.readouterr().err
        assert "group(s) 'b' have SE 0" in err and "--knha" in err
