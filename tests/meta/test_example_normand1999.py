"""Worked example: specialist stroke care and length of hospital stay (Normand 1999,
Stat Med 18:321-359; metafor's dat.normand1999), 9 trials of mean differences in days.

A small, very heterogeneous set: tau^2 is large, the REML and DL answers differ markedly,
and metafor's Q-profile search stops at its default limit (see test_metafor_sensitivity).
"""

from __future__ import annotations

import numpy as np
import pytest

from metafor_ref import REF, assert_close, dataset
from reviewlib.meta import pool


def test_mean_differences_from_arm_summaries():
    d = dataset("normand1999")
    np.testing.assert_allclose(d["yi"], d["m1i"] - d["m2i"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(d["vi"], d["sd1i"] ** 2 / d["n1i"] + d["sd2i"] ** 2 / d["n2i"],
                               rtol=1e-12)


@pytest.mark.parametrize("method", ["DL", "REML", "PM", "SJ"])
def test_estimators_spread(method):
    d = dataset("normand1999")
    res = pool(d["yi"], d["vi"], method=method, test="knha")
    ref = REF["pooled"]["normand1999"][f"{method}_knha"]
    assert_close([res.estimate, res.ci_low, res.ci_high], [ref["estimate"], ref["ci_low"], ref["ci_high"]],
                 "ci", method)
    assert res.i2 > 90  # almost all variability is between trials


def test_prediction_interval_is_wide():
    d = dataset("normand1999")
    res = pool(d["yi"], d["vi"], method="REML")
    # half-width z * sqrt(se^2 + tau^2): tau^2 dominates, so the PI is ~3 times the CI
    assert res.pi_high - res.estimate == pytest.approx(1.959963984540054 * np.sqrt(res.se**2 + res.tau2))
    assert res.pi_high - res.pi_low > 3 * (res.ci_high - res.ci_low)
    assert_close([res.pi_low, res.pi_high], [REF["pooled"]["normand1999"]["REML_z"]["pi_low"],
                                             REF["pooled"]["normand1999"]["REML_z"]["pi_high"]], "ci", "PI")
