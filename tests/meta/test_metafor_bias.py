"""Egger's and Begg's tests and trim and fill against metafor's ``regtest`` (model "rma"
and "lm"), ``ranktest`` and ``trimfill(res, estimator = "L0" | "R0", control = ...)``."""

from __future__ import annotations

import numpy as np
import pytest

from metafor_ref import REF, assert_close, dataset
from reviewlib.meta import pool

FULL = [ds for ds in REF["bias"] if ds != "edge_ties"]
#: FE with Knapp-Hartung is compared on purpose (metafor allows it too, with a warning).
pytestmark = pytest.mark.filterwarnings("ignore:the Knapp-Hartung adjustment:UserWarning")

CASES = [(ds, key) for ds in FULL for key in REF["bias"][ds]]
IDS = [f"{d}-{k}" for d, k in CASES]


def _fit(ds, key):
    method, test = key.split("_")
    d = dataset(ds)
    return pool(d["yi"], d["vi"], method=method, test=test)


@pytest.mark.parametrize("ds,key", CASES, ids=IDS)
def test_egger_rma(ds, key):
    res = _fit(ds, key)
    ref = REF["bias"][ds][key]["regtest_rma"]
    eg = res.egger()
    assert_close(eg.statistic, ref["zval"], "stat", "regtest statistic")
    assert_close(eg.pval, ref["pval"], "pvalue", "regtest p")
    assert_close(eg.df, ref["dfs"], "stat", "regtest df")
    assert_close([eg.slope, eg.slope_se], [ref["slope"], ref["slope_se"]], "estimate", "slope")
    assert_close([eg.limit_estimate, eg.limit_ci_low, eg.limit_ci_high],
                 [ref["est"], ref["ci_low"], ref["ci_high"]], "ci", "limit estimate")
    statistic, p = eg  # unpacks as (statistic, p)
    assert (statistic, p) == (eg.statistic, eg.pval)


@pytest.mark.parametrize("ds,key", CASES, ids=IDS)
def test_egger_lm(ds, key):
    eg = _fit(ds, key).egger(model="lm")
    ref = REF["bias"][ds][key]["regtest_lm"]
    assert_close([eg.statistic, eg.df], [ref["zval"], ref["dfs"]], "stat", "lm regtest")
    assert_close(eg.pval, ref["pval"], "pvalue", "lm regtest p")
    assert_close([eg.limit_estimate, eg.limit_ci_low, eg.limit_ci_high],
                 [ref["est"], ref["ci_low"], ref["ci_high"]], "ci", "lm limit estimate")


def test_begg_with_ties_uses_the_normal_approximation():
    """Tied variances: R's cor.test falls back to the tie-corrected normal approximation."""
    d = dataset("edge_ties")
    bt = pool(d["yi"], d["vi"]).begg()
    ref = REF["bias"]["edge_ties"]["ranktest"]
    assert not bt.exact
    assert_close([bt.tau, bt.pval], [ref["tau"], ref["pval"]], "pvalue", "ranktest with ties")


@pytest.mark.parametrize("ds", FULL)
def test_begg(ds):
    res = _fit(ds, "REML_z")
    bt = res.begg()
    ref = REF["bias"][ds]["REML_z"]["ranktest"]
    assert_close([bt.tau, bt.pval], [ref["tau"], ref["pval"]], "pvalue", "ranktest")


@pytest.mark.parametrize("estimator", ["L0", "R0"])
@pytest.mark.parametrize("ds,key", CASES, ids=IDS)
def test_trimfill(ds, key, estimator):
    res = _fit(ds, key)
    ref = REF["bias"][ds][key][f"trimfill_{estimator}"]
    tf = res.trimfill(estimator=estimator)
    assert tf.side == ref["side"] and tf.k0 == ref["k0"] and tf.k == ref["k"]
    assert_close(tf.se_k0, ref["se_k0"], "estimate", "se of k0")
    assert_close(tf.p_k0, ref["p_k0"], "pvalue", "p of k0")
    assert_close(tf.yi, ref["yi"], "estimate", "filled effects")
    assert_close(tf.vi, ref["vi"], "estimate", "filled variances")
    assert list(tf.filled) == ref["fill"]
    assert_close([tf.estimate, tf.tau2, tf.q], [ref["estimate"], ref["tau2"], ref["q"]],
                 "estimate", "filled model")
    # metafor refits the filled data (when k0 > 0) with a z test whatever the model used;
    # reviewlib keeps the model's test, so compare the z refit of the same filled data.
    z = tf if res.test == "z" or tf.k0 == 0 else tf._with_data(tf.yi, tf.vi, tf.labels, test="z")
    assert_close([z.se, z.ci_low, z.ci_high], [ref["se"], ref["ci_low"], ref["ci_high"]], "ci",
                 "filled model interval")
    assert tf.original is res


def test_trimfill_no_missing_returns_model_itself():
    d = dataset("edge_homogeneous")
    res = pool(d["yi"], d["vi"], method="FE")
    tf = res.trimfill(side="left")
    if tf.k0 == 0:
        assert tf.estimate == res.estimate and not tf.filled.any()
    else:  # the made-up set happens to be asymmetric: then the filled data are larger
        assert tf.k == res.k + tf.k0


def test_funnel_coordinates_match_metafor():
    d = dataset("bcg")
    fig, xy = pool(d["yi"], d["vi"]).funnel()
    ref = REF["funnel"]["bcg_REML"]
    assert_close(xy["x"], ref["x"], "estimate", "funnel x")
    assert_close(xy["y"], ref["y"], "estimate", "funnel y")
    assert not xy["filled"].any()
    assert np.all(np.asarray(fig.axes[0].get_ylim()) >= 0)


@pytest.mark.parametrize("value", [0.1, 0.3, 0.7, 0.123456789])
def test_begg_identical_effects_is_undefined_not_rounding_noise(value):
    """Identical effects: metafor's ranktest gives NA for 0.1, 0.3, 0.7 but tau = 1,
    p = 0.000397 for 0.123456789, where the weighted mean differs from the effects in the
    last bit (metafor 3.8.1, R 4.2.2, variances below). Here every case is undefined."""
    vi = [0.011, 0.023, 0.037, 0.041, 0.059, 0.061, 0.07]
    res = pool([value] * 7, vi, method="FE")
    with pytest.warns(RuntimeWarning, match="Kendall's tau is undefined"):
        t = res.begg()
    assert np.isnan(t.tau) and np.isnan(t.pval)


@pytest.mark.parametrize("value", [0.1, 0.3, 0.7, 0.123456789])
@pytest.mark.parametrize("method", ["FE", "REML"])
def test_trimfill_identical_effects_fills_nothing(value, method):
    """metafor 3.8.1 trimfill() gives k0 = 0 for each of these; the rounding noise of the
    estimate used to make the trimming oscillate until a ConvergenceError."""
    vi = [0.011, 0.023, 0.037, 0.041, 0.059, 0.061, 0.07]
    for estimator in ("L0", "R0"):
        tf = pool([value] * 7, vi, method=method).trimfill(estimator=estimator)
        assert tf.k == 7 and tf.estimate == pytest.approx(value, rel=1e-12)
