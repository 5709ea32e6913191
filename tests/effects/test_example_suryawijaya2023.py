"""Suryawijaya & Wardhani (2023), Table 3: PLS path coefficients (O), bootstrap mean (M),
bootstrap SD (STDEV), t and p; n = 100 (tests/data/effects/effects.csv, rows sur-*).
"""

from __future__ import annotations

import math

import pytest
from scipy import stats

from reviewlib.effects import check, convert_row, prepare_analysis

def row(table, effect_id):
    return next(r for r in table.rows if r.effect_id == effect_id)


def of(findings, effect_id, code):
    return [f for f in findings if f.effect_id == effect_id and f.code == code]


def test_t_164_consistent_within_rounding_of_the_se(findings):
    # X -> Y: O = 0.969, STDEV = 0.006, t = 164.130. 0.969/0.006 = 161.5, not 164.13, but
    # STDEV printed to 3 places lies in [0.0055, 0.0065] and O in [0.9685, 0.9695], so O/STDEV
    # may be anything from 0.9685/0.0065 = 149.0000 to 0.9695/0.0055 = 176.2727.
    [f] = of(findings, "sur-t3-x-y", "t_vs_ratio")
    assert f.level == "note"
    assert f.numbers["ratio"] == pytest.approx(161.5)
    assert f.numbers["ratio_low"] == pytest.approx(0.9685 / 0.0065)
    assert f.numbers["ratio_high"] == pytest.approx(0.9695 / 0.0055)
    # the SE the printed t implies: 0.969 / 164.130 = 0.0059039 (inside [0.0055, 0.0065])
    assert f.numbers["se_implied"] == pytest.approx(0.0059039, rel=1e-4)
    assert "164.130" in f.message and "161.5" in f.message and "consistent" in f.message
    # O's rounding alone gives only 0.9685/0.006 = 161.42 to 0.9695/0.006 = 161.58: it is the
    # one-significant-digit STDEV that makes room for 164.13
    assert "rounding of se alone" in f.message


def test_t_inconsistent_beyond_rounding_is_an_error(table):
    from reviewlib.effects import EffectsTable
    t = EffectsTable.from_records([dict(effect_id="x", study_id="s", report="r",
                                        measure="path_coef", estimate="0.969", se="0.006",
                                        t="190.000", n="100")])
    [f] = of(check(t), "x", "t_vs_ratio")
    assert f.level == "error" and "176.273" in f.message


def test_p_0001_with_t_164(findings):
    # Two-sided p for t = 164.13 underflows (normal: about 1e-5852); with df = 1 it is
    # 2 * (1/2 - atan(164.13)/pi) = 0.0038787, with df = 2 already 3.7e-5. No distribution
    # gives a p that rounds to 0.001; the conclusion (p < 0.05) stands -> warning, not error.
    assert 2 * stats.t.sf(164.13, 1) == pytest.approx(0.0038787, rel=1e-4)
    assert 2 * stats.t.sf(164.13, 2) < 0.0005
    [f] = of(findings, "sur-t3-x-y", "p_vs_statistic")
    assert f.level == "warning"
    assert "about 1e-5852" in f.message and "0.001 for p < 0.001" in f.message and "is the same" in f.message


def test_p_0162_fits_a_t_distribution_only(findings):
    # X -> Z: t = 1.402, printed p = 0.162 (so in [0.1615, 0.1625]). The normal gives
    # 2 * (1 - Phi(1.402)) = 0.160915 (0.16077 to 0.16106 for t in [1.4015, 1.4025]);
    # a t distribution with a few hundred df fits, which a bootstrap-based p may well use.
    assert 2 * stats.norm.sf(1.402) == pytest.approx(0.160915, rel=1e-5)
    [f] = of(findings, "sur-t3-x-z", "p_vs_statistic")
    assert f.level == "note"
    lo, hi = f.numbers["df_low"], f.numbers["df_high"]
    # at df_low the smallest p the rounding allows (t = 1.4025) is at most 0.1625 ...
    assert 2 * stats.t.sf(1.4025, lo) <= 0.1625
    assert 2 * stats.t.sf(1.4025, lo - 1) > 0.1625       # ... and one df fewer it is not
    # at df_high the largest p (t = 1.4015) still reaches 0.1615 ...
    assert 2 * stats.t.sf(1.4015, hi) >= 0.1615
    assert 2 * stats.t.sf(1.4015, hi + 1) < 0.1615       # ... and one df more it does not
    assert 100 < lo < hi < 2000


def test_p_0129_consistent_with_normal(findings):
    # Y -> Z: t = 1.519 -> 2 * (1 - Phi(1.519)) = 0.12876, printed 0.129
    assert 2 * stats.norm.sf(1.519) == pytest.approx(0.12876, rel=1e-4)
    assert of(findings, "sur-t3-y-z", "p_vs_statistic") == []


def test_no_errors_in_the_table(findings):
    assert [f for f in findings if f.effect_id.startswith("sur-") and f.level == "error"] == []


def test_path_coefficient_with_bootstrap_se(table):
    # The SE comes from t (six significant digits) rather than STDEV (one digit):
    # SE = 0.969 / 164.130 = 0.005903857, vi = SE^2 = 3.485552e-5.
    c = convert_row(row(table, "sur-t3-x-y"))
    assert (c.scale, c.conversion) == ("standardized_coef", "se_from_t")
    assert "bootstrap_se" in c.flags
    assert c.yi == 0.969
    assert c.vi == pytest.approx((0.969 / 164.130) ** 2, rel=1e-12)
    assert c.vi == pytest.approx(3.485552e-5, rel=1e-6)


def test_path_coefficient_as_fisher_z(table):
    # X -> Y is the only path into Y, so its standardised coefficient equals r(X, Y):
    # z = atanh(0.969) = 2.0756469, v = 1/(100 - 3) = 0.0103093 (metafor escalc ZCOR agrees,
    # see test_effects_conversions.py).
    c = convert_row(row(table, "sur-t3-x-y"), "fisher_z")
    assert c.conversion == "se_from_t > beta_as_r > fisher_z"
    assert c.yi == pytest.approx(2.0756469, rel=1e-7) and c.vi == pytest.approx(1 / 97)
    assert "beta_as_r" in c.flags


def test_prepare_analysis_labels_effects_of_one_model(table):
    frame = prepare_analysis(table, outcome="customer loyalty", measure_scale="fisher_z")
    assert list(frame.effect_id) == ["sur-t3-x-z", "sur-t3-y-z"]
    assert frame.label.tolist() == [
        "suryawijaya2023 (full, inner model, personalized marketing -> customer loyalty)",
        "suryawijaya2023 (full, inner model, customer convenience -> customer loyalty)"]
    assert all("shares_sample" in f for f in frame["flags"])
    assert frame.yi.tolist() == pytest.approx([math.atanh(0.419), math.atanh(0.449)])
