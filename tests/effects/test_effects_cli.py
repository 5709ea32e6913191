"""``reviewlib effects check|convert`` run in-process."""

from __future__ import annotations

import json
from pathlib import Path

from reviewlib.cli import main
from reviewlib.effects import COLUMNS

DATA = Path(__file__).parents[1] / "data" / "effects" / "effects.csv"


def test_check_prints_findings_and_exits_1_on_errors(capsys):
    assert main(["effects", "check", str(DATA)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    sign = [ln for ln in lines if "fit-t4-java-m1-cm" in ln and "or_vs_exp" in ln]
    # path:line:column -- column 11 is odds_ratio, column 10 estimate
    assert sign == [sign[0]] and sign[0].startswith(f"{DATA}:10:11: error: ")
    assert any(ln.startswith(f"{DATA}:8:10: note: ") and "-1.435267" in ln for ln in lines)
    # a finding about the row as a whole carries no column
    assert any(ln.startswith(f"{DATA}:") and ": warning: " in ln and "(unconvertible)" in ln
               and ln.split(": warning: ")[0].count(":") == 1 for ln in lines)
    assert "20 row(s): 2 error(s), 4 warning(s)" in err


def test_check_quiet_and_json(capsys):
    assert main(["effects", "check", str(DATA), "--quiet"]) == 1
    out, _ = capsys.readouterr()
    assert ": note: " not in out
    assert main(["effects", "check", str(DATA), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["error"] == 2 and doc["rows"] == 20
    sign = [f for f in doc["findings"] if f["code"] == "or_vs_exp" and f["line"] == 10]
    assert sign[0]["numbers"]["sign_flip"] is True


def test_check_clean_file_exits_0(tmp_path, capsys):
    p = tmp_path / "effects.csv"
    # Suryawijaya & Wardhani (2023) Table 3, Y -> Z: nothing wrong
    cells = dict(effect_id="y-z", study_id="s", report="r", measure="path_coef",
                 estimate="0.449", sample_mean="0.467", se="0.296", t="1.519", p="0.129", n="100")
    p.write_text(",".join(COLUMNS) + "\n" + ",".join(cells.get(c, "") for c in COLUMNS) + "\n")
    assert main(["effects", "check", str(p)]) == 0
    assert "0 error(s)" in capsys.readouterr().err


def test_bad_file_is_input_error(tmp_path, capsys):
    p = tmp_path / "effects.csv"
    p.write_text("effect_id,study\n")
    assert main(["effects", "check", str(p)]) == 1
    err = capsys.readouterr().err
    assert f"{p}:1:2: unexpected column 'study'" in err


def test_convert_csv_and_json(capsys):
    assert main(["effects", "convert", str(DATA), "--scale", "fisher_z"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("effect_id,line,study_id")
    xy = next(ln for ln in out if ln.startswith("sur-t3-x-y,"))
    assert "2.0756469" in xy  # atanh(0.969)
    assert main(["effects", "convert", str(DATA), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    gender = next(r for r in rows if r["effect_id"] == "fit-t5-g-m2-gender")
    assert gender["yi"] is None and gender["reason"]


def test_usage_errors_exit_2(capsys):
    assert main(["effects"]) == 2
    assert main(["effects", "convert", str(DATA), "--scale", "hazard"]) == 2
