"""Bounded SEs replaced by those the same regression's exactly printed p-values imply.

Fixture: tests/data/effects/effects.csv, Fitriani et al. (2023) Table 4, Model I: social
media has p printed 0,000 in Java and outside Java (an SE bound); cos_man in the same
regressions has p = 0.583 and 0.019 printed exactly.
"""

from pathlib import Path

import pytest
from scipy.stats import norm

from reviewlib.effects import EffectsTable, prepare_analysis
from reviewlib.effects.sensitivity import LABEL, implied_ses, with_implied_ses

EFFECTS = Path(__file__).parents[1] / "data" / "effects" / "effects.csv"


def _se(b, p):
    return abs(b) / norm.isf(p / 2)


def test_implied_se_is_that_of_the_exact_neighbour_never_above_the_bound():
    got = implied_ses(EFFECTS, ["fit-t4-java-m1-sm", "fit-t4-out-m1-sm"]).set_index("effect_id")
    assert got.at["fit-t4-java-m1-sm", "se"] == pytest.approx(_se(0.0368856, 0.583), rel=1e-9)
    assert got.at["fit-t4-out-m1-sm", "se"] == pytest.approx(_se(0.1435169, 0.019), rel=1e-9)
    assert got.at["fit-t4-java-m1-sm", "neighbours"] == "fit-t4-java-m1-cm"
    # the bound: |b| / z(0.0005 / 2), the largest SE a printed 0.000 allows
    assert got.at["fit-t4-java-m1-sm", "se_bound"] == pytest.approx(_se(0.5426278, 0.0005), rel=1e-9)
    assert (got["se"] <= got["se_bound"]).all() and (got["label"] == LABEL).all()


def test_rows_with_exact_ses_and_intercepts_are_not_touched():
    got = implied_ses(EFFECTS)
    assert "fit-t4-java-m1-cm" not in set(got["effect_id"])       # p = 0.583 exactly
    assert "fit-t3-m1-const" not in set(got["effect_id"])          # an intercept


def _table(rows):
    base = dict(study_id="s", report="s", model="M", sample="all", outcome="y",
                measure="logit_coef", n="500")
    return EffectsTable.from_records([{**base, **r} for r in rows])


def test_a_neighbour_whose_rounded_p_leaves_the_se_loose_is_not_used():
    table = _table([
        dict(effect_id="a", location="Table 1, a", exposure="x1", estimate="0.8", p="0.000"),
        dict(effect_id="b", location="Table 1, b", exposure="x2", estimate="0.05", p="0.9"),
        dict(effect_id="c", location="Table 2, c", exposure="x3", estimate="0.2", p="0.012")])
    got = implied_ses(table).set_index("effect_id")
    # b: p in [0.85, 0.95] gives SEs a factor ~3 apart; c is in another table
    assert got.at["a", "label"] == "upper bound kept: no neighbour"
    assert got.at["a", "se"] == got.at["a", "se_bound"] == pytest.approx(_se(0.8, 0.0005))


def test_an_implied_se_above_the_bound_is_capped_at_the_bound():
    table = _table([
        dict(effect_id="a", location="Table 1, a", exposure="x1", estimate="0.8", p="0.000"),
        dict(effect_id="b", location="Table 1, b", exposure="x2", estimate="0.9", p="0.012")])
    got = implied_ses(table).set_index("effect_id")
    assert _se(0.9, 0.012) > got.at["a", "se_bound"]
    assert got.at["a", "se"] == got.at["a", "se_bound"] and got.at["a", "label"] == LABEL


def test_with_implied_ses_replaces_se_and_vi_and_labels_them():
    frame = prepare_analysis(EFFECTS, outcome="digital performance", model="Model I",
                             samples=["Java"])
    out = with_implied_ses(frame, EFFECTS).set_index("effect_id")
    assert out.at["fit-t4-java-m1-sm", "vi"] == pytest.approx(_se(0.0368856, 0.583) ** 2)
    assert out.at["fit-t4-java-m1-sm", "se_source"] == LABEL
    assert out.at["fit-t4-java-m1-cm", "se_source"] == "as in the main analysis"
    assert out.at["fit-t4-java-m1-cm", "vi"] == frame.set_index("effect_id").at["fit-t4-java-m1-cm", "vi"]
