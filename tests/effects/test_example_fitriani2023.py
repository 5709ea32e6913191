"""Fitriani, Setiawan, Aryani & Arifin (2023), Tables 3-5: logistic coefficients, odds ratios
and p-values as printed (tests/data/effects/effects.csv, rows fit-*).
"""

from __future__ import annotations

import math

import pytest
from scipy import stats

from reviewlib.effects import check, convert_row, prepare_analysis, read_row

def row(table, effect_id):
    return next(r for r in table.rows if r.effect_id == effect_id)


def of(findings, effect_id, code=None, level=None):
    return [f for f in findings if f.effect_id == effect_id
            and (code is None or f.code == code) and (level is None or f.level == level)]


def test_rows_keep_their_file_lines(table):
    assert row(table, "fit-t3-m1-sm").line == 2
    assert row(table, "fit-t4-java-m1-cm").line == 10


def test_java_cos_man_lost_minus_sign(findings):
    # Table 4, Java, Model I, cos_man: coefficient 0.0368856, odds ratio 0.9637864.
    # exp(0.0368856) = 1.0375743, but exp(-0.0368856) = 0.9637864: the sign does not match.
    assert math.exp(0.0368856) == pytest.approx(1.0375743, rel=1e-7)
    assert math.exp(-0.0368856) == pytest.approx(0.9637864, rel=1e-7)
    [f] = of(findings, "fit-t4-java-m1-cm", "or_vs_exp")
    assert f.level == "error" and f.line == 10
    assert f.numbers["sign_flip"] is True
    assert "0.9637864" in f.message and "0.0368856" in f.message and "minus sign" in f.message


def test_consistent_odds_ratios_raise_nothing(findings):
    # e.g. Table 3, Model I, cos_man: exp(0.0434145) = 1.044371 as printed
    for eid in ("fit-t3-m1-cm", "fit-t3-m2-sm", "fit-t4-java-m2-cm", "fit-t4-out-m1-cm"):
        assert of(findings, eid, "or_vs_exp") == [], eid


def test_constant_with_ambiguous_separators_read_from_the_odds_ratio(table, findings):
    # Table 3, Model I, constant: "-1,435,267" printed beside the odds ratio 0.2380518.
    # Of all placements of the decimal mark only -1.435267 fits: exp(-1.435267) = 0.2380518.
    assert math.exp(-1.435267) == pytest.approx(0.2380518, abs=5e-8)
    reading = read_row(row(table, "fit-t3-m1-const"))
    est = reading["estimate"]
    assert est.value == -1.435267 and est.decimals == 6
    assert est.flags == ("ambiguous_separators", "inferred")
    [f] = of(findings, "fit-t3-m1-const", "ambiguous_separators")
    assert f.level == "note" and "-1.435267" in f.message and "0.2380518" in f.message
    c = convert_row(row(table, "fit-t3-m1-const"))
    assert c.yi == -1.435267 and "inferred" in c.flags


def test_ambiguous_cell_without_support_stays_unread():
    from reviewlib.effects import EffectsTable
    t = EffectsTable.from_records([dict(effect_id="x", study_id="s", report="r",
                                        measure="logit_coef", estimate="-1,435,267", p="0.01")])
    reading = read_row(t.rows[0])
    assert reading["estimate"].value is None and reading.unresolved
    [f] = of(check(t), "x", "ambiguous_separators")
    assert f.level == "warning"
    assert not convert_row(t.rows[0]).ok


def test_p_printed_zero_flagged_and_bounded(table, findings):
    # Table 3, Model I, social media: b = 0.6253829, p printed "0,000***".
    codes = {f.code for f in of(findings, "fit-t3-m1-sm")}
    assert {"p_zero", "decimal_comma"} <= codes
    [f] = of(findings, "fit-t3-m1-sm", "p_zero")
    assert f.numbers["p_upper"] == 0.0005
    # SE from the bound p < 0.0005: z = Phi^-1(1 - 0.00025) = 3.4807564,
    # SE = 0.6253829 / 3.4807564 = 0.1796687 -- the largest SE the printing allows
    c = convert_row(row(table, "fit-t3-m1-sm"))
    assert c.conversion == "se_from_p_bound"
    assert c.se == pytest.approx(0.6253829 / stats.norm.isf(0.00025), rel=1e-12)
    assert c.se == pytest.approx(0.1796687, rel=1e-6)
    assert {"p_bound_conservative", "p_zero", "decimal_comma"} <= set(c.flags)
    assert c.vi > 0 and math.isfinite(c.vi)  # never treated as p = 0 (which gives SE = 0)


def test_decimal_comma_p_flagged(table, findings):
    # Table 3, Model I, social media: p printed "0,000***" (decimal comma), odds ratio printed
    # "1.868962" (decimal point). exp(0.6253829) = 1.8689614 would print as 1.868961, but the
    # coefficient may be up to 0.62538295 and exp(0.62538295) = 1.8689615, the lowest value
    # printed as 1.868962: consistent, just, within the rounding of both.
    assert math.exp(0.6253829) < 1.8689615 <= math.exp(0.62538295)
    notes = of(findings, "fit-t3-m1-sm", "decimal_comma")
    assert [f.column for f in notes] == ["p"] and "0.000" in notes[0].message
    assert of(findings, "fit-t3-m1-sm", "or_vs_exp") == []


def test_garbled_odds_ratios_read_from_the_coefficient(table, findings):
    # Table 5: "1,785,459" beside 0.5796756 (exp = 1.785459) and "189,856" beside
    # 0.6410959 (exp = 1.898561, so the digits 189856 with the mark after the 1).
    r = read_row(row(table, "fit-t5-g-m1-sm"))
    assert r["odds_ratio"].value == 1.785459
    r = read_row(row(table, "fit-t5-ng-m1-sm"))
    assert r["odds_ratio"].value == 1.89856
    assert of(findings, "fit-t5-ng-m1-sm", "or_vs_exp") == []


def test_misplaced_decimal_mark_diagnosed(findings):
    # Table 5, non-trade, Model II, educ: OR printed 110.211 for exp(0.0972267) = 1.102110
    [f] = of(findings, "fit-t5-ng-m2-educ", "or_vs_exp")
    assert f.level == "error" and f.numbers["decimal_shift"] == 1.10211


def test_stars_inconsistent_with_p(findings):
    # Table 3, Model II, educ: "0.072**". Two stars need p < 0.05 (10/5/1 %, the table's
    # own convention) or p < 0.01 (5/1/0.1 %); 0.072 deserves one star or none.
    [f] = of(findings, "fit-t3-m2-educ", "stars_vs_p")
    assert f.level == "warning" and f.numbers == {"p": 0.072, "stars": 2}
    # "0.019 **" and "0.098*"-style cells fit the 10/5/1 % convention: nothing to say
    assert of(findings, "fit-t4-out-m1-cm", "stars_vs_p") == []


def test_garbled_row_is_not_converted_from_a_shifted_cell(table, findings):
    # Table 5, trade, Model II, gender: coefficient cell "-", the odds-ratio row holds
    # 0.2962381 (the coefficient's digits). Taking ln(0.2962381) would be wrong.
    c = convert_row(row(table, "fit-t5-g-m2-gender"))
    assert not c.ok and "estimate '-'" in c.reason
    assert of(findings, "fit-t5-g-m2-gender", "unconvertible", "warning")


def test_se_from_exact_p(table):
    # Table 3, Model I, cos_man: SE = 0.0434145 / Phi^-1(1 - 0.335/2) = 0.0434145 / 0.9640916
    c = convert_row(row(table, "fit-t3-m1-cm"))
    assert c.conversion == "se_from_p"
    assert c.se == pytest.approx(0.0450315, rel=1e-6)


def test_prepare_analysis_social_media_model_i(table):
    frame = prepare_analysis(table, exposure="social media", model="Model I")
    assert list(frame.effect_id) == ["fit-t3-m1-sm", "fit-t4-java-m1-sm", "fit-t4-out-m1-sm",
                                     "fit-t5-g-m1-sm", "fit-t5-ng-m1-sm"]
    assert list(frame.columns[:9]) == ["effect_id", "study_id", "label", "sample", "yi", "vi",
                                       "measure", "conversion", "flags"]
    assert frame.yi.tolist() == [0.6253829, 0.5426278, 0.6308274, 0.5796756, 0.6410959]
    # every SE is |b| / z(0.00025)
    z = stats.norm.isf(0.00025)
    assert frame.vi.tolist() == pytest.approx([(b / z) ** 2 for b in frame.yi], rel=1e-12)
    # one row per (study, sample): none is flagged as sharing its sample with another
    assert all("shares_sample" not in f for f in frame["flags"])
    both = prepare_analysis(table, exposure="social media", samples=["Java"])
    assert list(both.effect_id) == ["fit-t4-java-m1-sm"]
    models = prepare_analysis(table, exposure="social media", samples="full")
    assert len(models) == 3 and all("shares_sample" in f for f in models["flags"])
    assert frame.label.iloc[1] == "fitriani2023 (Java, Model I)"


def test_blank_coefficient_is_not_replaced_by_the_odds_ratio_cell():
    # The same Table 5 cell recorded with the coefficient left blank: the odds-ratio cell
    # (0.2962381) holds the coefficient's digits, so ln(0.2962381) = -1.2166 would be a
    # wrong effect. A logit_coef row needs its coefficient.
    from reviewlib.effects import EffectsTable
    t = EffectsTable.from_records([dict(effect_id="g", study_id="s", report="r",
                                        measure="logit_coef", odds_ratio="0.2962381",
                                        p="0,000***", n="5,255")])
    c = convert_row(t.rows[0])
    assert not c.ok and "use measure odds_ratio" in c.reason
    # a row that declares an odds ratio is converted from it
    t = EffectsTable.from_records([dict(effect_id="o", study_id="s", report="r",
                                        measure="odds_ratio", estimate="0.7437697",
                                        p="0,000***", n="5,255")])
    c = convert_row(t.rows[0])
    assert c.ok and c.yi == pytest.approx(math.log(0.7437697))
    assert c.conversion == "ln_odds_ratio > se_from_p_bound"
