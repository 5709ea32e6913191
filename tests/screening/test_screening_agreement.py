"""Agreement (Cohen's kappa), conflicts, final decisions and progress on the review folder.

Hand computation of the title/abstract kappas from tests/data/screening/review: the two
reviewers, ana and budi, both screened 11 records (S01-S07, W02-W04 and the citation record
C03, which got a title check).

Include-or-maybe vs exclude (maybe pooled with include):
    S04 ana E / budi I, W04 ana I(maybe) / budi E, the other 9 agree:
    table [[6, 1], [1, 3]] (rows ana I, E; columns budi I, E), n = 11
    p_o = 9/11; margins ana (7, 4), budi (7, 4); p_e = (7*7 + 4*4)/121 = 65/121
    kappa = (99/121 - 65/121) / (1 - 65/121) = 34/56 = 0.607142857...

Three categories (include, maybe, exclude):
    rows ana [inc, may, exc], columns budi [inc, may, exc]:
    [[4, 1, 0],   # S01 S02 S07 W02 | S06
     [1, 0, 1],   # S05 | W04
     [1, 0, 3]]   # S04 | S03 W03 C03
    p_o = 7/11; margins ana (5, 2, 4), budi (6, 1, 4); p_e = (30 + 2 + 16)/121 = 48/121
    kappa = (77 - 48) / (121 - 48) = 29/73 = 0.397260274...

Full text (include vs exclude, reports both retrieved and assessed: S01 S02 W02 S05 S07 W04
C02): W04 ana I / budi E, the rest agree: [[5, 1], [0, 1]], p_o = 6/7, margins ana (6, 1),
budi (5, 2), p_e = (30 + 2)/49 = 32/49, kappa = (42 - 32)/(49 - 32) = 10/17 = 0.588235294...
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

from reviewlib.screening import (
    agreement,
    cohens_kappa,
    conflicts,
    contingency,
    full_text_status,
    load_folder,
    progress,
    title_abstract_status,
)

# kappa and its standard error are closed-form; agreement with statsmodels is to rounding
RTOL = 1e-12


@pytest.fixture(scope="module")
def folder():
    return load_folder(Path(__file__).resolve().parents[1] / "data" / "screening" / "review")


def test_kappa_of_a_textbook_table_by_hand():
    # [[20, 5], [10, 15]]: p_o = 35/50 = 0.7, margins (25, 25) and (30, 20),
    # p_e = (25*30 + 25*20)/2500 = 0.5, kappa = (0.7 - 0.5)/0.5 = 0.4
    r = cohens_kappa([[20, 5], [10, 15]])
    assert r.agreement == pytest.approx(0.7, rel=RTOL)
    assert r.expected == pytest.approx(0.5, rel=RTOL)
    assert r.kappa == pytest.approx(0.4, rel=RTOL)


@pytest.mark.parametrize("table", [
    [[6, 1], [1, 3]],
    [[4, 1, 0], [1, 0, 1], [1, 0, 3]],
    [[5, 1], [0, 1]],
    [[20, 5, 1], [10, 15, 2], [0, 3, 4]],
    [[88, 14], [10, 40]],
])
def test_kappa_and_se_match_statsmodels(table):
    ours = cohens_kappa(table)
    ref = sm_kappa(np.asarray(table))
    assert ours.kappa == pytest.approx(ref.kappa, rel=RTOL)
    assert ours.se == pytest.approx(ref.std_kappa, rel=RTOL)
    # the interval is statsmodels' Wald interval, truncated to [-1, 1]
    assert ours.ci_low == pytest.approx(max(ref.kappa_low, -1), rel=RTOL)
    assert ours.ci_high == pytest.approx(min(ref.kappa_upp, 1), rel=RTOL)


def test_kappa_undefined_when_both_reviewers_use_one_category():
    r = cohens_kappa([[9, 0], [0, 0]])
    assert r.agreement == 1 and math.isnan(r.kappa) and math.isnan(r.ci_low)


def test_contingency_rejects_unknown_labels():
    with pytest.raises(ValueError, match="'perhaps' is not one of"):
        contingency(["include"], ["perhaps"], ["include", "exclude"])


def test_agreement_on_the_review_folder_equals_the_hand_computation(folder):
    a = agreement(folder).set_index("scheme")
    binary = a.loc["include_maybe_vs_exclude"]
    assert (binary.reviewer_a, binary.reviewer_b, binary.n) == ("ana", "budi", 11)
    assert binary.agreement == pytest.approx(9 / 11, rel=RTOL)
    assert binary.kappa == pytest.approx(34 / 56, rel=RTOL)
    three = a.loc["three_category"]
    assert three.agreement == pytest.approx(7 / 11, rel=RTOL)
    assert three.kappa == pytest.approx(29 / 73, rel=RTOL)
    ft = a.loc["include_vs_exclude"]
    assert (ft.stage, ft.n) == ("full_text", 7)
    assert ft.kappa == pytest.approx(10 / 17, rel=RTOL)
    # the standard errors are statsmodels' for the same tables
    for scheme, table in (("include_maybe_vs_exclude", [[6, 1], [1, 3]]),
                          ("three_category", [[4, 1, 0], [1, 0, 1], [1, 0, 3]]),
                          ("include_vs_exclude", [[5, 1], [0, 1]])):
        assert a.loc[scheme, "se"] == pytest.approx(sm_kappa(np.array(table)).std_kappa,
                                                    rel=RTOL)


def test_single_reviewer_stage_is_not_reported_as_perfect_agreement(folder):
    from dataclasses import replace
    alone = replace(folder, decisions=[d for d in folder.decisions if d.reviewer != "budi"])
    a = agreement(alone)
    assert list(a["reviewer_b"]) == ["", "", ""]
    assert a["kappa"].isna().all() and a["agreement"].isna().all()
    assert set(a["note"]) == {"single reviewer: agreement cannot be estimated"}
    assert list(a["n"]) == [11, 11, 7]


def test_conflicts_say_who_said_what(folder):
    ta = conflicts(folder, "title_abstract")
    assert list(ta["record_id"]) == ["S04", "S05", "S06", "W04"]   # W03: both exclude, reasons differ
    row = ta.set_index("record_id")
    assert (row.loc["S04", "ana"], row.loc["S04", "budi"]) == ("exclude", "include")
    assert bool(row.loc["S04", "resolved"]) and row.loc["S04", "consensus"] == "exclude"
    assert not row.loc["S05", "affects_outcome"] and not row.loc["S05", "resolved"]
    assert row.loc["W04", "consensus"] == "include" and row.loc["W04", "affects_outcome"]
    ft = conflicts(folder, "full_text")
    assert ft[["record_id", "ana", "budi", "resolved", "consensus"]].values.tolist() == [
        ["W04", "include [kurniasih2019]", "exclude (population)", True,
         "include [kurniasih2019]"]]
    assert list(conflicts(folder, "title_abstract", unresolved_only=True)["record_id"]) == [
        "S05", "S06"]


def test_final_title_abstract_decisions_follow_the_documented_rule(folder):
    ta = title_abstract_status(folder).set_index("record_id")
    # consensus settles; otherwise one include/maybe is enough; all-exclude excludes
    assert ta.loc["S04", ["final", "basis", "passed"]].tolist() == ["exclude", "consensus", False]
    assert ta.loc["W04", ["final", "basis", "passed"]].tolist() == ["include", "consensus", True]
    assert ta.loc["S05", ["final", "basis", "passed"]].tolist() == ["include", "any reviewer",
                                                                   True]
    assert ta.loc["S03", ["final", "basis", "passed"]].tolist() == ["exclude", "agreement", False]
    # other-methods records: title-checked (C03) or not (C02, C04)
    assert ta.loc["C03", ["column", "final", "passed"]].tolist() == ["other", "exclude", False]
    assert ta.loc["C02", ["basis", "passed"]].tolist() == ["not title-checked", True]
    assert int(ta["passed"].sum()) == 9


def test_full_text_status(folder):
    ft = full_text_status(folder).set_index("record_id")
    assert ft["status"].to_dict() == {
        "C02": "included", "C04": "not_retrieved", "S01": "included", "S02": "included",
        "S05": "included", "S06": "not_retrieved", "S07": "excluded", "W02": "included",
        "W04": "included"}
    assert ft.loc["W04", "study_id"] == "kurniasih2019" and ft.loc["W04", "consensus"]
    assert ft.loc["S07", "reason"] == "design"


def test_progress_counts(folder):
    p = progress(folder)
    assert p.to_dict("records") == [
        {"stage": "title_abstract", "reviewer": "all", "due": 11, "screened": 11,
         "remaining": 0, "conflicts": 2},
        {"stage": "title_abstract", "reviewer": "ana", "due": 11, "screened": 11,
         "remaining": 0, "conflicts": 2},
        {"stage": "title_abstract", "reviewer": "budi", "due": 11, "screened": 11,
         "remaining": 0, "conflicts": 2},
        {"stage": "full_text", "reviewer": "all", "due": 9, "screened": 9, "remaining": 0,
         "conflicts": 0},
        {"stage": "full_text", "reviewer": "ana", "due": 9, "screened": 9, "remaining": 0,
         "conflicts": 0},
        {"stage": "full_text", "reviewer": "budi", "due": 9, "screened": 9, "remaining": 0,
         "conflicts": 0},
    ]


def test_progress_while_a_reviewer_is_half_way(folder):
    from dataclasses import replace
    ana = next(d for d in folder.decisions if d.reviewer == "ana" and d.stage == "full_text")
    half = replace(ana, frame=ana.frame.iloc[:4].copy())
    others = [d for d in folder.decisions if d is not ana]
    p = progress(replace(folder, decisions=others + [half]))
    row = p[(p.stage == "full_text") & (p.reviewer == "ana")].iloc[0]
    assert (row.due, row.screened, row.remaining) == (9, 4, 5)
    assert isinstance(p, pd.DataFrame)


def test_progress_lists_a_reviewer_who_has_not_started(folder):
    """A new reviewer's file holding only the header is shown with everything remaining,
    not left out of the table."""
    from dataclasses import replace
    ana = next(d for d in folder.decisions if d.reviewer == "ana" and d.stage == "full_text")
    carla = replace(ana, reviewer="carla", path="review/full_text/carla.csv",
                    frame=ana.frame.iloc[:0].copy())
    p = progress(replace(folder, decisions=folder.decisions + [carla]))
    rows = p[p.stage == "full_text"]
    assert list(rows.reviewer) == ["all", "ana", "budi", "carla"]
    row = rows[rows.reviewer == "carla"].iloc[0]
    assert (row.due, row.screened, row.remaining, row.conflicts) == (9, 0, 9, 0)


from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4).flatmap(
    lambda k: st.lists(st.lists(st.integers(0, 30), min_size=k, max_size=k),
                       min_size=k, max_size=k)))
@example([[0, 0], [1, 2]])   # statsmodels' variance rounds to just below zero here
def test_kappa_properties_on_random_tables(table):
    t = np.array(table)
    ours = cohens_kappa(t)
    if t.sum() == 0 or math.isclose(ours.expected, 1.0):
        assert math.isnan(ours.kappa)
        return
    ref = sm_kappa(t)
    assert ours.kappa == pytest.approx(ref.kappa, rel=1e-9, abs=1e-12)
    # statsmodels takes the square root of a variance that rounding can push a hair below
    # zero (NaN); ours clamps it at zero, so compare with the clamped reference.
    assert ours.se == pytest.approx(math.sqrt(max(ref.var_kappa, 0.0)), rel=1e-9, abs=1e-12)
    # swapping the two reviewers changes neither kappa nor its standard error
    swapped = cohens_kappa(t.T)
    assert swapped.kappa == pytest.approx(ours.kappa, rel=1e-12, abs=1e-12)
    assert swapped.se == pytest.approx(ours.se, rel=1e-9, abs=1e-12)
    assert ours.kappa <= 1 + 1e-12 and -1 <= ours.ci_low <= ours.ci_high <= 1
