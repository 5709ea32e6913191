"""Consistency checks beyond the two worked examples: CIs, p vs statistic, ranges, and the
property that correctly rounded numbers never produce an error."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewlib.effects import EffectsTable, check, convert_row, summary


def table(**cells):
    base = dict(effect_id="x", study_id="s", report="r")
    return EffectsTable.from_records([{**base, **cells}])


def codes(t, level=None):
    return [f.code for f in check(t) if level is None or f.level == level]


def test_odds_ratio_ci_midpoint_on_log_scale():
    # OR 1.5 (95% CI 1.2 to 1.875): ln-midpoint = (ln 1.2 + ln 1.875)/2 = ln 1.5 exactly
    assert codes(table(measure="odds_ratio", estimate="1.5", ci_low="1.2", ci_high="1.875")) == []
    # OR 1.5 with CI 1.2 to 2.4: centred on sqrt(1.2 * 2.4) = 1.697 on the log scale
    t = table(measure="odds_ratio", estimate="1.5", ci_low="1.2", ci_high="2.4")
    [f] = [f for f in check(t) if f.code == "ci_midpoint"]
    assert f.level == "error"
    assert f.numbers["midpoint"] == pytest.approx((math.log(1.2) + math.log(2.4)) / 2)


def test_ci_order_and_estimate_outside():
    assert "ci_order" in codes(table(measure="d", estimate="0.5", ci_low="0.9", ci_high="0.1"))
    assert "ci_excludes_estimate" in codes(table(measure="d", estimate="1.5", ci_low="0.1",
                                                 ci_high="0.9"))


def test_odds_ratio_interval_given_for_a_coefficient():
    # coefficient 0.405 (OR 1.4993) with the OR's CI 1.2 to 1.875 typed beside it
    t = table(measure="logit_coef", estimate="0.405", ci_low="1.2", ci_high="1.875")
    [f] = [f for f in check(t) if f.code == "ci_excludes_estimate"]
    assert "looks like the odds ratio's" in f.message


def test_ci_gives_se_for_odds_ratio():
    # SE(ln OR) = (ln 1.875 - ln 1.2) / (2 * 1.959964) = 0.4462871 / 3.919928 = 0.1138509
    c = convert_row(table(measure="odds_ratio", estimate="1.5", ci_low="1.2",
                          ci_high="1.875").rows[0])
    assert c.conversion == "ln_odds_ratio > se_from_log_ci"
    assert c.yi == pytest.approx(math.log(1.5)) and c.se == pytest.approx(0.1138509, rel=1e-6)


def test_ci_level_90_is_used():
    # 90% CI: SE = (0.9 - 0.1) / (2 * 1.644854) = 0.2431826
    c = convert_row(table(measure="d", estimate="0.5", ci_low="0.1", ci_high="0.9",
                          ci_level="90").rows[0])
    assert c.se == pytest.approx(0.2431826, rel=1e-6)


def test_path_coefficient_bootstrap_ci_asymmetry_is_a_warning():
    t = table(measure="path_coef", estimate="0.30", ci_low="0.05", ci_high="0.45")
    [f] = [f for f in check(t) if f.code == "ci_midpoint"]
    assert f.level == "warning"


def test_p_decision_error():
    # b/SE = 0.30/0.10 = 3.0 -> p = 0.0027, but printed 0.27: across 0.05 -> error
    t = table(measure="logit_coef", estimate="0.30", se="0.10", p="0.27")
    [f] = [f for f in check(t) if f.code == "p_vs_statistic"]
    assert f.level == "error" and "decision error" in f.message
    # printed 0.02: rounding allows 0.0013 to 0.0050 only; same side of 0.05 -> warning
    t = table(measure="logit_coef", estimate="0.30", se="0.10", p="0.02")
    [f] = [f for f in check(t) if f.code == "p_vs_statistic"]
    assert f.level == "warning"


def test_p_larger_than_normal_fits_small_df_for_regression_beta():
    # beta 0.30, SE 0.10, p 0.02: the normal gives 0.0013-0.0050, a t on about 5-9 df gives 0.02
    t = table(measure="beta", estimate="0.30", se="0.10", p="0.02")
    [f] = [f for f in check(t) if f.code == "p_vs_statistic"]
    assert f.level == "note" and 1 <= f.numbers["df_low"] <= f.numbers["df_high"] < 30


def test_p_with_df_uses_t():
    # t = 2.10 on 20 df: p = 0.0486 (normal would give 0.0357)
    assert "p_vs_statistic" not in codes(table(measure="beta", estimate="0.2", t="2.10",
                                               df="20", p="0.049"))
    assert "p_vs_statistic" in codes(table(measure="beta", estimate="0.2", t="2.10",
                                           df="20", p="0.036"))


def test_inequality_p_checked_as_bound():
    assert "p_vs_statistic" not in codes(table(measure="d", estimate="0.8", se="0.2", p="<0.001"))
    assert "p_vs_statistic" in codes(table(measure="d", estimate="0.2", se="0.2", p="<0.001"))


@pytest.mark.parametrize("p,ok", [("0.04*", True), ("0.04**", True), ("0.008***", True),
                                  ("0.0005***", True), ("0.2*", False), ("0.03***", False)])
def test_stars_conventions(p, ok):
    found = "stars_vs_p" in codes(table(measure="d", estimate="0.5", p=p))
    assert found is not ok


def test_ranges():
    assert "range" in codes(table(measure="r", estimate="1.2", n="50"), "error")
    assert "range" in codes(table(measure="logit_coef", estimate="0.1", odds_ratio="-1.5"), "error")
    assert "range" in codes(table(measure="d", estimate="0.1", se="0"), "error")
    assert "range" in codes(table(measure="d", estimate="0.1", p="1.3"), "error")


def test_bootstrap_bias_warning():
    t = table(measure="path_coef", estimate="0.40", sample_mean="0.10", se="0.05", t="8.0")
    assert "bootstrap_bias" in codes(t, "warning")


def test_r_with_n_converts_and_checks():
    # r = 0.30, n = 50: z = atanh(0.3) = 0.3095196, v = 1/47 = 0.0212766
    t = table(measure="r", estimate="0.30", n="50")
    assert codes(t) == []
    c = convert_row(t.rows[0], "fisher_z")
    assert c.yi == pytest.approx(0.3095196, rel=1e-6) and c.vi == pytest.approx(1 / 47)


def test_partial_r_from_t_and_df():
    # t = 2.5, df = 96: r = 2.5 / sqrt(6.25 + 96) = 2.5 / 10.111874 = 0.2472341; z var = 1/95
    c = convert_row(table(measure="partial_r", t="2.5", df="96").rows[0], "fisher_z")
    assert c.conversion == "partial_r_from_t > var_partial_r_df > fisher_z_partial"
    assert math.tanh(c.yi) == pytest.approx(0.2472341, rel=1e-6) and c.vi == pytest.approx(1 / 95)


def test_d_with_n_only_assumes_equal_groups():
    # d = 0.5, n = 100 -> n1 = n2 = 50: v = 0.04 + 0.25/200 = 0.04125
    c = convert_row(table(measure="d", estimate="0.5", n="100").rows[0])
    assert c.vi == pytest.approx(0.04125) and "equal_groups_assumed" in c.flags


def test_summary_counts_every_level():
    assert summary([]) == {"error": 0, "warning": 0, "note": 0}


# ----------------------------------------------------------------- no false positives
finite = dict(allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(b=st.floats(-3, 3, **finite), se=st.floats(0.005, 2, **finite),
       k_b=st.integers(2, 7), k_se=st.integers(2, 6), k_t=st.integers(2, 4), k_p=st.integers(2, 4))
def test_correctly_rounded_statistics_never_give_an_error(b, se, k_b, k_se, k_t, k_p):
    """True b, SE, t = b/SE, p = 2(1 - Phi(|t|)) and OR = exp(b), each rounded as a report
    would print it: the checks must not call any of them an error."""
    t = b / se
    p = 2 * (1 - 0.5 * (1 + math.erf(abs(t) / math.sqrt(2))))
    printed_se = f"{se:.{k_se}f}"
    if float(printed_se) <= 0:
        return
    cells = dict(measure="logit_coef", estimate=f"{b:.{k_b}f}", odds_ratio=f"{math.exp(b):.{k_b}f}",
                 se=printed_se, t=f"{t:.{k_t}f}", p=f"{p:.{k_p}f}")
    found = [f for f in check(table(**cells)) if f.level == "error"]
    assert found == [], (cells, found)


@settings(max_examples=80, deadline=None)
@given(b=st.floats(0.05, 3, **finite), flip=st.booleans())
def test_sign_flip_of_odds_ratio_always_caught(b, flip):
    """exp(-b) printed as the odds ratio of b is an error whenever it differs beyond rounding."""
    cells = dict(measure="logit_coef", estimate=f"{b:.7f}", odds_ratio=f"{math.exp(-b):.7f}")
    found = [f for f in check(table(**cells)) if f.code == "or_vs_exp"]
    assert found and found[0].numbers.get("sign_flip") is True


def test_each_report_is_held_to_its_own_star_convention():
    # 0.098* and 0.044** fit only 10/5/1 %; 0.008** fits only 5/1/0.1 %. The report's
    # majority is 10/5/1 %, under which 0.008 deserves three stars.
    base = dict(study_id="s", report="r", measure="d", estimate="0.5")
    t = EffectsTable.from_records([dict(base, effect_id="a", p="0.098*"),
                                   dict(base, effect_id="b", p="0.044**"),
                                   dict(base, effect_id="c", p="0.008**")])
    found = [f for f in check(t) if f.code == "stars_vs_p"]
    assert [f.effect_id for f in found] == ["c"]
    assert "10/5/1 %" in found[0].message and "2 of its 3" in found[0].message
    assert "3 under 10/5/1 %" in found[0].message


@pytest.mark.parametrize("n", ["12.5", "-50", "0"])
def test_sample_size_must_be_a_whole_number(n):
    """n = 12.5 used to give a variance silently; it is an error and no effect is computed."""
    t = table(measure="r", estimate="0.30", n=n)
    errors = [f for f in check(t) if f.level == "error"]
    assert [(f.code, f.column) for f in errors] == [("range", "n")]
    assert "is not a sample size" in errors[0].message
    c = convert_row(t.rows[0], "correlation")
    assert math.isnan(c.yi) and "not a sample size" in c.reason


def test_sample_size_grouped_with_points_is_noted():
    t = table(measure="r", estimate="0.30", n="1.234")
    notes = [f for f in check(t) if f.code == "thousands_separator"]
    assert len(notes) == 1 and "as 1234" in notes[0].message
    c = convert_row(t.rows[0], "fisher_z")
    assert c.vi == pytest.approx(1 / 1231)   # 1/(n - 3), n = 1234


def test_degrees_of_freedom_must_be_positive():
    t = table(measure="partial_r", t="2.5", df="0")
    assert ("range", "df") in [(f.code, f.column) for f in check(t) if f.level == "error"]


def test_hedges_g_variance_from_n_includes_the_correction():
    """Borenstein et al. (2009) eqs. 4.20-4.24: V_g = J^2 V_d with d = g / J.

    By hand, g = 0.5, n = 40 (20 + 20): J = 1 - 3/151 = 0.9801325, d = 0.5101351,
    V_d = 40/400 + d^2/80 = 0.1032530, V_g = J^2 V_d = 0.0991910.
    """
    g = convert_row(table(measure="g", estimate="0.5", n="40").rows[0])
    assert g.yi == 0.5 and g.vi == pytest.approx(0.0991910, rel=1e-6)
    assert g.conversion == "var_g_n"
    d = convert_row(table(measure="d", estimate="0.5", n="40").rows[0])
    assert d.vi == pytest.approx(0.1 + 0.25 / 80, rel=1e-12) and d.conversion == "var_d_n"


@pytest.mark.parametrize("text", ["abc", "1", "100", "0.3", "inf"])
def test_unreadable_ci_level_is_an_error_not_a_traceback(text):
    """'abc' used to raise ValueError out of convert_row (and the command line); '1' gave
    a 1 % interval and an SE 130 times too large."""
    t = table(measure="odds_ratio", estimate="2.0", ci_low="1.2", ci_high="3.3", ci_level=text)
    errors = [(f.code, f.column) for f in check(t) if f.level == "error"]
    assert errors == [("range", "ci_level")]
    c = convert_row(t.rows[0])
    assert math.isnan(c.yi) and "no printed statistic gives a standard error" in c.reason
    # with a p-value as well, the effect comes from p and the interval is left alone
    t = table(measure="odds_ratio", estimate="2.0", ci_low="1.2", ci_high="3.3", ci_level=text,
              p="0.01")
    assert convert_row(t.rows[0]).conversion == "ln_odds_ratio > se_from_p"


@pytest.mark.parametrize("text", ["90", "0.90", "90%", "90,0"])
def test_ci_level_spellings(text):
    # (ln 3.3 - ln 1.2) / (2 z_0.95) = 1.0116009 / 3.2897073 = 0.3075048
    t = table(measure="odds_ratio", estimate="2.0", ci_low="1.2", ci_high="3.3", ci_level=text)
    assert convert_row(t.rows[0]).se == pytest.approx(0.3075048, rel=1e-6)


@pytest.mark.parametrize("cells,code", [
    # a coefficient garbled into 1435267 next to its odds ratio: exp() overflowed
    (dict(measure="logit_coef", estimate="1435267", odds_ratio="0.2380518", p="0.01"),
     "or_vs_exp"),
    # t^2 + df < 0 made the partial r a math domain error
    (dict(measure="partial_r", t="0.05", df="-1"), "range"),
    # Hedges' J is 0 for n = 3: a division by zero
    (dict(measure="g", estimate="0.4", n="3"), None),
    # a p-value below the smallest float gave SE 0 and a division by zero
    (dict(measure="logit_coef", estimate="0.5", p="5e-324"), None),
    # estimates outside the domain of the CI's scale (atanh(1), log(0))
    (dict(measure="r", estimate="1", ci_low="0.2", ci_high="0.5", n="30"), "range"),
    (dict(measure="odds_ratio", estimate="0", ci_low="0.2", ci_high="1.5"), "range"),
    # a statistic too large for any float: p is printed as 0, not an OverflowError
    (dict(measure="path_coef", estimate="0.5", t="1e308", p="0.01"), None),
])
def test_extreme_cells_give_findings_not_exceptions(cells, code):
    t = table(**cells)
    findings = check(t)
    if code is not None:
        assert code in [f.code for f in findings if f.level == "error"]
    for scale in (None, "log_odds_ratio", "smd", "correlation", "fisher_z"):
        c = convert_row(t.rows[0], scale)
        assert (c.ok and math.isfinite(c.yi) and c.vi > 0) or (math.isnan(c.yi) and c.reason)
