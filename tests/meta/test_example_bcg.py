"""Worked example: BCG vaccine trials (Colditz et al. 1994; metafor's dat.bcg).

The published numbers below are printed in metafor's documentation of this example:
Viechtbauer W (2010), "Conducting meta-analyses in R with the metafor package", Journal of
Statistical Software 36(3) -- the random-effects (REML) fit of the log risk ratios
(tau^2 = 0.3132, estimate -0.7145, SE 0.1798) and ``confint(res)`` (tau^2 0.1197 to 1.1115)
-- and the package's help pages (``?rma.uni`` with method = "DL": tau^2 = 0.3088;
``?trimfill``: with REML, one study filled on the right, estimate -0.6571).  They are
printed to 4 decimals, so they are compared at that precision; the full-precision
comparison with metafor is in test_metafor_*.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from metafor_ref import dataset
from reviewlib.meta import meta_regression, pool


@pytest.fixture(scope="module")
def bcg():
    return dataset("bcg")


@pytest.fixture(scope="module")
def reml(bcg):
    return pool(bcg["yi"], bcg["vi"], method="REML", labels=bcg["label"])


def test_log_risk_ratios_from_counts(bcg):
    """yi, vi as escalc("RR") computes them, from the 2x2 counts in the same file."""
    n1 = bcg["tpos"] + bcg["tneg"]
    n2 = bcg["cpos"] + bcg["cneg"]
    yi = np.log((bcg["tpos"] / n1) / (bcg["cpos"] / n2))
    vi = 1 / bcg["tpos"] - 1 / n1 + 1 / bcg["cpos"] - 1 / n2
    np.testing.assert_allclose(bcg["yi"], yi, rtol=1e-12)
    np.testing.assert_allclose(bcg["vi"], vi, rtol=1e-12)


def test_published_reml(reml):
    assert round(reml.tau2, 4) == 0.3132
    assert round(reml.se_tau2, 4) == 0.1664
    assert round(reml.estimate, 4) == -0.7145
    assert round(reml.se, 4) == 0.1798
    assert (round(reml.ci_low, 4), round(reml.ci_high, 4)) == (-1.0669, -0.3622)
    assert round(reml.q, 4) == 152.2330
    assert round(reml.i2, 2) == 92.22


def test_published_dl(bcg):
    assert round(pool(bcg["yi"], bcg["vi"], method="DL").tau2, 4) == 0.3088


def test_published_q_profile_interval(reml):
    ci = reml.confint()
    assert (round(ci.loc["tau2", "ci_low"], 4), round(ci.loc["tau2", "ci_high"], 4)) == (0.1197, 1.1115)


def test_published_trimfill(reml):
    tf = reml.trimfill()
    assert (tf.k0, tf.side, tf.k) == (1, "right", 14)
    assert round(tf.estimate, 4) == -0.6571
    assert list(tf.labels[-1:]) == ["Filled 1"]


def test_summary_reads_like_metafor(reml):
    text = reml.summary()
    assert "Random-Effects Model (k = 13; tau^2 estimator: REML)" in text
    assert "tau^2 (estimated amount of total heterogeneity): 0.3132 (SE = 0.1664)" in text
    assert "Q(df = 12) = 152.2330, p-val < .0001" in text
    assert "-0.7145  0.1798  -3.9744  <.0001  -1.0669  -0.3622  ***" in text


def test_risk_ratio_scale_prediction(reml):
    pred = reml.predict(transform=np.exp)
    assert round(pred.pred, 2) == 0.49 and np.isnan(pred.se)
    assert pred.pi_low < pred.ci_low < pred.pred < pred.ci_high < pred.pi_high


def test_absolute_latitude_explains_heterogeneity(bcg):
    """The classic moderator of this example: latitude, R^2 = 75.6% (REML)."""
    res = meta_regression("yi", "vi", ["ablat"], data=bcg)
    assert res.coefficients.loc["ablat", "estimate"] < 0
    assert round(res.r2, 2) == 75.63
