"""Worked example: passive smoking and lung cancer (Hackshaw, Law & Wald 1997, BMJ
315:980-988; metafor's dat.hackshaw1998), 37 studies of log odds ratios.

The paper's abstract reports an excess risk of 24% (95% CI 13% to 36%) from a
DerSimonian-Laird random-effects analysis; that is pinned here at the printed precision.
The bias analyses of this example are compared with metafor in test_metafor_bias.py; here
the whole report is run once end to end.
"""

from __future__ import annotations

import numpy as np
import pytest

from metafor_ref import REF, assert_close, dataset
from reviewlib.meta import pool


@pytest.fixture(scope="module")
def dl():
    d = dataset("hackshaw1998")
    return pool(d["yi"], d["vi"], method="DL", labels=d["label"])


def test_published_relative_risk(dl):
    pred = dl.predict(transform=np.exp)
    assert (round(pred.pred, 2), round(pred.ci_low, 2), round(pred.ci_high, 2)) == (1.24, 1.13, 1.36)


def test_odds_ratios_in_the_data_match_the_log_effects():
    d = dataset("hackshaw1998")
    # the dataset prints ORs to 2 decimals; yi are their logs to 4 decimals
    np.testing.assert_allclose(np.exp(d["yi"]), d["or"], atol=0.006)


def test_full_report_against_metafor(dl):
    ref = REF["bias"]["hackshaw1998"]["DL_z"]
    tf = dl.trimfill()
    assert tf.k0 == ref["trimfill_L0"]["k0"] and tf.side == ref["trimfill_L0"]["side"]
    assert_close(tf.estimate, ref["trimfill_L0"]["estimate"], "estimate", "trim and fill")
    assert_close(dl.egger().pval, ref["regtest_rma"]["pval"], "pvalue", "Egger")
    assert_close(dl.begg().pval, ref["ranktest"]["pval"], "pvalue", "Begg")
    sens = REF["sensitivity"]["hackshaw1998"]["DL_z"]
    assert_close(dl.leave_one_out()["estimate"], sens["leave1out"]["estimate"], "estimate", "loo")
    assert_close(dl.influence()["cook_d"], sens["influence"]["cook.d"], "influence", "Cook")


def test_design_subgroups(dl):
    d = dataset("hackshaw1998")
    sub = dl.subgroup(d["design"])
    assert list(sub.table["group"]) == ["case-control", "cohort"]
    assert sub.table["k"].sum() == 37
    ref = REF["subgroups"]["hackshaw1998_design_DL_z"]["separate_test"]
    assert_close(sub.test.qb, ref["qb"], "q", "Qb")
