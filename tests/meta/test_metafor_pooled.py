"""Every tau^2 estimator, with and without Knapp-Hartung, against metafor's rma.uni.

Reference: ``rma(yi, vi, method = M, test = T, control = list(threshold = 1e-12,
maxiter = 10000, tol = 1e-12))`` and ``predict()`` for the prediction interval (metafor and
R versions in the reference file's source block).
"""

from __future__ import annotations

import numpy as np
import pytest

from metafor_ref import REF, assert_close, dataset
from reviewlib.meta import METHODS, pool

CASES = [(ds, m, t) for ds in REF["pooled"] for m in METHODS for t in ("z", "knha")]


@pytest.mark.parametrize("ds,method,test", CASES, ids=[f"{d}-{m}-{t}" for d, m, t in CASES])
def test_pool_matches_rma_uni(ds, method, test):
    ref = REF["pooled"][ds][f"{method}_{test}"]
    assert "error" not in ref
    d = dataset(ds)
    if method == "FE" and test == "knha":
        with pytest.warns(UserWarning, match="Knapp-Hartung adjustment is meant for random"):
            res = pool(d["yi"], d["vi"], method=method, test=test)
    else:
        res = pool(d["yi"], d["vi"], method=method, test=test)
    assert res.k == len(d) and res.df == ref["df"]
    assert_close(res.estimate, ref["estimate"], "estimate", "estimate")
    assert_close(res.se, ref["se"], "se", "se")
    if np.isfinite(res.statistic) or ref["zval"] is not None:
        assert_close(res.statistic, ref["zval"], "stat", "z/t statistic")
    assert_close(res.pval, ref["pval"], "pvalue", "p-value")
    assert_close([res.ci_low, res.ci_high], [ref["ci_low"], ref["ci_high"]], "ci", "CI")
    assert_close(res.tau2, ref["tau2"], "tau2", "tau^2")
    if method != "FE":
        assert_close(res.se_tau2, ref["se_tau2"], "tau2", "SE of tau^2")
    assert_close([res.i2, res.h2], [ref["i2"], ref["h2"]], "heterogeneity", "I^2, H^2")
    assert_close(res.q, ref["q"], "q", "Q")
    assert_close(res.q_pvalue, ref["q_p"], "pvalue", "p of Q")
    assert_close(res.s2w, ref["s2w"], "se", "Knapp-Hartung scale")
    if method == "FE":
        # metafor's predict() gives no PI for FE; as the README says: PI equals the CI
        assert (res.pi_low, res.pi_high) == (res.ci_low, res.ci_high)
    else:
        assert_close([res.pi_low, res.pi_high], [ref["pi_low"], ref["pi_high"]], "ci", "PI")
    assert res.converged


def test_eb_equals_pm():
    """metafor's empirical Bayes and Paule-Mandel estimators solve the same equation."""
    d = dataset("bcg")
    eb = pool(d["yi"], d["vi"], method="EB")
    pm = pool(d["yi"], d["vi"], method="PM")
    assert eb.tau2 == pytest.approx(pm.tau2, rel=1e-12)
    assert REF["pooled"]["bcg"]["EB_z"]["tau2"] == pytest.approx(pm.tau2, rel=1e-6)


def test_iterative_estimators_report_iterations():
    d = dataset("bcg")
    for method in ("REML", "ML", "PM"):
        res = pool(d["yi"], d["vi"], method=method)
        assert res.converged and 0 < res.iterations < 100
    assert pool(d["yi"], d["vi"], method="DL").iterations == 0
