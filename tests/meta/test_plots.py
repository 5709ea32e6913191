"""Forest and funnel plots: what is drawn equals the fitted numbers."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from metafor_ref import dataset
from reviewlib.meta import pool


@pytest.fixture(scope="module")
def bcg():
    d = dataset("bcg")
    return d, pool(d["yi"], d["vi"], labels=d["label"])


def test_forest_rows_and_pooled_diamond(bcg):
    d, res = bcg
    fig, xy = res.forest()
    assert isinstance(fig, matplotlib.figure.Figure)
    studies = xy[xy["kind"] == "study"]
    assert list(studies["label"]) == list(d["label"])
    np.testing.assert_allclose(studies["estimate"], d["yi"])
    np.testing.assert_allclose(studies["ci_high"] - studies["estimate"], 1.959963984540054 * np.sqrt(d["vi"]))
    np.testing.assert_allclose(studies["weight"].sum(), 100)
    pooled = xy[xy["kind"] == "pooled"].iloc[0]
    assert (pooled["estimate"], pooled["ci_low"], pooled["ci_high"]) == (res.estimate, res.ci_low, res.ci_high)
    pi = xy[xy["kind"] == "prediction"].iloc[0]
    assert (pi["ci_low"], pi["ci_high"]) == (res.pi_low, res.pi_high)
    assert list(xy["row"]) == sorted(xy["row"], reverse=True)  # top to bottom
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Aronson 1948" in labels and "RE model (REML)" in labels


def test_forest_ratio_scale_and_given_axes(bcg):
    import matplotlib.figure
    _, res = bcg
    fig = matplotlib.figure.Figure()
    ax = fig.add_subplot(1, 1, 1)
    out, xy = res.forest(ax=ax, transform=np.exp, xlabel="Risk ratio")
    assert out is fig and ax.get_xscale() == "log" and ax.get_xlabel() == "Risk ratio"
    pooled = xy[xy["kind"] == "pooled"].iloc[0]
    assert pooled["estimate"] == pytest.approx(np.exp(res.estimate))
    texts = [t.get_text() for t in ax.texts]
    assert f"{np.exp(res.estimate):.2f} [{np.exp(res.ci_low):.2f}, {np.exp(res.ci_high):.2f}]" in texts


def test_forest_subgroup_diamonds(bcg):
    d, res = bcg
    fig, xy = res.forest(groups=d["alloc"])
    groups = xy[xy["kind"] == "group"]
    sub = res.subgroup(d["alloc"])
    np.testing.assert_allclose(groups["estimate"], sub.table["estimate"])
    assert list(xy[xy["kind"] == "header"]["label"]) == ["alternate", "random", "systematic"]


def test_fixed_effect_forest_has_no_prediction_row(bcg):
    d, _ = bcg
    _, xy = pool(d["yi"], d["vi"], method="FE").forest()
    assert "prediction" not in set(xy["kind"])


def test_funnel_marks_filled_studies(bcg):
    _, res = bcg
    tf = res.trimfill()
    fig, xy = tf.funnel(contours=(0.90, 0.95, 0.99))
    assert list(xy["filled"]) == [False] * 13 + [True]
    np.testing.assert_allclose(xy["y"], np.sqrt(tf.vi))
    ax = fig.axes[0]
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # standard error axis inverted
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "0.10 < p" in legend and "0.01 < p < 0.05" in legend and "filled" in legend
