"""DL and PM against statsmodels' ``combine_effects`` (an independent implementation)."""

from __future__ import annotations

import pytest
from statsmodels.stats.meta_analysis import combine_effects

from metafor_ref import dataset
from reviewlib.meta import pool

DATASETS = ["bcg", "hackshaw1998", "normand1999", "edge_spread"]


@pytest.mark.parametrize("ds", DATASETS)
def test_dersimonian_laird(ds):
    d = dataset(ds)
    sm = combine_effects(d["yi"].to_numpy(), d["vi"].to_numpy(), method_re="dl")
    res = pool(d["yi"], d["vi"], method="DL")
    assert res.tau2 == pytest.approx(sm.tau2, rel=1e-10, abs=1e-14)
    assert res.estimate == pytest.approx(sm.mean_effect_re, rel=1e-10)
    assert res.se == pytest.approx(sm.sd_eff_w_re, rel=1e-10)
    assert res.q == pytest.approx(sm.q, rel=1e-10)
    fe = pool(d["yi"], d["vi"], method="FE")
    assert fe.estimate == pytest.approx(sm.mean_effect_fe, rel=1e-10)
    # statsmodels' I^2 is the Q-based one, which metafor reports for the FE model
    assert fe.i2 == pytest.approx(100 * max(0.0, sm.i2), rel=1e-10, abs=1e-12)
    kh = pool(d["yi"], d["vi"], method="DL", test="knha")
    assert kh.se == pytest.approx(sm.sd_eff_w_re_hksj, rel=1e-10)


@pytest.mark.parametrize("ds", DATASETS)
def test_paule_mandel(ds):
    """statsmodels iterates PM to its own (looser) tolerance: agreement to 1e-6."""
    d = dataset(ds)
    sm = combine_effects(d["yi"].to_numpy(), d["vi"].to_numpy(), method_re="pm")
    res = pool(d["yi"], d["vi"], method="PM")
    assert res.tau2 == pytest.approx(sm.tau2, rel=1e-6, abs=1e-10)
    assert res.estimate == pytest.approx(sm.mean_effect_re, rel=1e-6)
