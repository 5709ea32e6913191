"""The quantitative helpers on the real effects of Fitriani et al. (2023).

They read the frozen copy of the example in ``tests/data/example/``, so the hand-computed
reference (``q < 1``, hence tau^2 = 0) holds whatever reviewers add to the live file.

Reference values are computed by hand in the tests from the same converted effects: with
two subsamples whose Q statistic is below its degrees of freedom, the REML estimate of
tau^2 is 0 and the random-effects estimate equals the inverse-variance weighted mean
(Viechtbauer 2010, metafor rma.uni; DerSimonian & Laird 1986).
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from reviewlib.effects import check, prepare_analysis  # noqa: E402
from reviewlib.errors import UsageError  # noqa: E402
from reviewlib.synthesis import load_studies  # noqa: E402
from reviewlib.synthesis.quantitative import (comparison_summary,  # noqa: E402
                                              compare_subsamples, conversion_frame,
                                              findings_frame, findings_summary,
                                              side_by_side, side_by_side_figure,
                                              study_effect_status)
from synthhelpers import EXAMPLE  # noqa: E402

EFFECTS = EXAMPLE / "extraction" / "effects.csv"
#: Agreement with the hand computation: both are float64 sums of two terms.
RTOL = 1e-10


def _java() -> object:
    return compare_subsamples(EFFECTS, exposure="social media", model="Model II",
                              subsamples=["Java", "outside Java"], full_sample="full",
                              title="Java")


def test_subsamples_are_pooled_without_the_full_sample():
    cmp = _java()
    rows = prepare_analysis(EFFECTS, exposure="social media", model="Model II",
                            samples=["Java", "outside Java"])
    w = 1 / rows["vi"].to_numpy()
    y = rows["yi"].to_numpy()
    q = float(np.sum(w * (y - np.sum(w * y) / np.sum(w)) ** 2))
    assert cmp.result.k == 2
    assert cmp.result.q == pytest.approx(q, rel=RTOL)
    assert q < 1                                  # so REML puts tau^2 at its bound, 0
    assert cmp.result.tau2 == 0
    assert cmp.result.estimate == pytest.approx(np.sum(w * y) / np.sum(w), rel=RTOL)
    assert cmp.result.se == pytest.approx(math.sqrt(1 / np.sum(w)), rel=RTOL)
    assert "full" not in list(cmp.data["sample"])
    assert cmp.full["sample"] == "full"
    table = cmp.table()
    assert table["row"].tolist()[-1] == "full sample: full"
    assert table["estimate"].iloc[-1] == pytest.approx(math.exp(cmp.full["yi"]), rel=RTOL)
    fig = cmp.forest()
    assert fig.axes[0].get_legend() is not None
    plt.close(fig)
    summary = comparison_summary([cmp])
    assert summary.loc[0, "pooled"] == pytest.approx(math.exp(cmp.result.estimate))


def test_unknown_subsample_is_refused():
    with pytest.raises(UsageError, match="Sumatra"):
        compare_subsamples(EFFECTS, exposure="social media", model="Model II",
                           subsamples=["Java", "Sumatra"], full_sample="full", title="x")


def test_side_by_side_keeps_each_scale_and_pools_nothing():
    ids = ["fitriani_t3_full_m1_socmed", "suryawijaya_t3_x_y"]
    frame = side_by_side(EFFECTS, ids)
    assert frame["scale"].nunique() == 2
    z = 1.959963984540054                         # qnorm(0.975)
    assert frame["ci_low"].tolist() == pytest.approx((frame["yi"] - z * frame["se"]).tolist())
    fig = side_by_side_figure(frame)
    assert len(fig.axes) == 2                     # one panel per scale, no pooled row
    assert not any("RE model" in t.get_text() for ax in fig.axes for t in ax.texts)
    plt.close(fig)
    with pytest.raises(UsageError, match="nope"):
        side_by_side(EFFECTS, ["nope"])


def test_status_says_which_studies_are_context():
    status = study_effect_status(load_studies(EXAMPLE), EFFECTS)
    assert set(status["study_id"]) == {"fitriani2023social", "suryawijaya2023tailoring"}
    for row in status.itertuples():
        expected = "included study" if row.included == "yes" else \
            "context: not included by the screening"
        assert row.role == expected
    assert status["effects"].sum() == sum(1 for _ in open(EFFECTS, encoding="utf-8")) - 1


def test_findings_tables_and_printed_columns():
    findings = check(EFFECTS)
    frame = findings_frame(findings)
    assert len(frame) == len(findings)
    assert frame["level"].iloc[0] == "error"
    summary = findings_summary(findings)
    assert summary["findings"].sum() == len(findings)
    conv = conversion_frame(EFFECTS, ["fitriani_t3_full_m1_socmed"])
    assert conv.loc[0, "printed_p"] == "0,000***"      # exactly as printed
    assert conv.loc[0, "scale"] == "log_odds_ratio"
