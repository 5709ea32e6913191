"""Loading effects files: exact header, known measures, identifiers, positions of problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewlib.effects import COLUMNS, MEASURES, load_effects
from reviewlib.errors import InputError

DATA = Path(__file__).parents[1] / "data" / "effects" / "effects.csv"
HEADER = ",".join(COLUMNS)


def write(tmp_path, text, name="effects.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def line(**cells):
    return ",".join(cells.get(c, "") for c in COLUMNS)


GOOD = dict(effect_id="e1", study_id="s1", report="fitriani2023social", measure="logit_coef",
            estimate="0.5", p="0.01")


def test_real_file_loads_with_lines():
    t = load_effects(DATA)
    assert len(t) == 20
    assert [r.line for r in t.rows] == list(range(2, 22))
    assert t.rows[0].p == "0,000***"          # kept exactly as printed
    assert t.column("measure") == 9


def test_header_must_match_exactly(tmp_path):
    p = write(tmp_path, HEADER.replace("ci_level", "CI_level") + "\n" + line(**GOOD) + "\n")
    with pytest.raises(InputError) as e:
        load_effects(p)
    [problem] = [q for q in e.value.problems if q.column == 16]
    assert problem.line == 1 and "did you mean 'ci_level'" in problem.message
    assert str(problem).startswith(f"{p}:1:16: ")


def test_column_order_checked(tmp_path):
    cols = list(COLUMNS)
    cols[9], cols[10] = cols[10], cols[9]
    p = write(tmp_path, ",".join(cols) + "\n")
    with pytest.raises(InputError) as e:
        load_effects(p)
    assert e.value.problems[0].column == 10 and "must be 'estimate'" in e.value.problems[0].message


def test_missing_column_reported(tmp_path):
    p = write(tmp_path, HEADER.replace(",note", "") + "\n")
    with pytest.raises(InputError, match="missing column"):
        load_effects(p)


def test_unknown_measure_and_missing_ids_name_line_and_column(tmp_path):
    rows = [line(**GOOD),
            line(**{**GOOD, "effect_id": "e2", "measure": "hazard_ratio"}),
            line(**{**GOOD, "effect_id": "e3", "study_id": ""}),
            line(**{**GOOD, "effect_id": "e4", "report": ""}),
            line(**{**GOOD, "effect_id": "e1"})]
    p = write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError) as e:
        load_effects(p)
    where = {(q.line, q.column): q.message for q in e.value.problems}
    assert "unknown measure 'hazard_ratio'" in where[(3, 9)]
    assert all(m in where[(3, 9)] for m in MEASURES)
    assert where[(4, 2)] == "study_id is blank"
    assert where[(5, 3)] == "report is blank"
    assert "repeats line 2" in where[(6, 1)]


def test_reader_problems_pass_through(tmp_path):
    p = write(tmp_path, HEADER + "\n" + line(**GOOD) + ",extra\n")
    with pytest.raises(InputError) as e:
        load_effects(p)
    assert e.value.problems[0].line == 2


def test_semicolon_cp1252_file_is_read(tmp_path):
    # Excel in a decimal-comma locale: semicolons, cp1252, CRLF; decimal commas unquoted.
    cells = {**GOOD, "estimate": "0,6253829", "odds_ratio": "1,868962", "note": "Stra\u00dfe"}
    text = ";".join(COLUMNS) + "\r\n" + ";".join(cells.get(c, "") for c in COLUMNS) + "\r\n"
    t = load_effects(write(tmp_path, text, encoding="cp1252"))
    assert t.rows[0].estimate == "0,6253829" and t.rows[0].note == "Stra\u00dfe"
    assert any("semicolon" in n.message for n in t.notes)


def test_missing_file():
    with pytest.raises(InputError, match="cannot open"):
        load_effects("no/such/effects.csv")


def test_ragged_row_and_cell_problems_are_reported_together(tmp_path):
    """A ragged row does not hide the other rows' problems: one run lists them all."""
    rows = [line(**{**GOOD, "measure": "hazard_ratio"}),
            line(**{**GOOD, "effect_id": "e2"}) + ",extra",
            line(**GOOD)]
    p = write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError) as e:
        load_effects(p)
    where = [(q.line, q.column) for q in e.value.problems]
    assert where == [(2, 9), (3, len(COLUMNS) + 1), (4, 1)]
    assert "unexpected field 'extra'" in e.value.problems[1].message
    assert "repeats line 2" in e.value.problems[2].message
