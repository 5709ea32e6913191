"""Meta-regression and subgroup analysis against metafor.

Reference calls: ``rma(yi, vi, data = bcg, mods = ~ ablat | ~ ablat + year |
~ factor(alloc), method = M, test = T, control = ...)``; subgroups with separate tau^2 as
per-group ``rma`` fits compared by ``rma(estimates, sei = ses, method = "FE")``; with a
common tau^2 as ``rma(yi, vi, mods = ~ factor(group))`` (and ``- 1`` for the group means).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metafor_ref import REF, assert_close, dataset
from reviewlib.errors import UsageError
from reviewlib.meta import meta_regression, pool

MODS = {"ablat": ["ablat"], "ablat_year": ["ablat", "year"], "alloc": ["alloc"]}
#: FE with Knapp-Hartung is compared on purpose (metafor allows it too, with a warning).
pytestmark = pytest.mark.filterwarnings("ignore:the Knapp-Hartung adjustment:UserWarning")

CASES = [(key, name) for key in REF["regression"] for name in MODS]


@pytest.mark.parametrize("key,name", CASES, ids=[f"{k}-{n}" for k, n in CASES])
def test_meta_regression(key, name):
    method, test = key.split("_")
    ref = REF["regression"][key][name]
    d = dataset("bcg")
    res = meta_regression("yi", "vi", MODS[name], data=d, method=method, test=test)
    c = res.coefficients
    assert list(c.index) == [n.replace("factor(alloc)", "alloc") for n in ref["names"]]
    stat = "zval" if test == "z" else "tval"
    assert_close(c["estimate"], ref["coef"], "estimate", "coefficients")
    assert_close(c["se"], ref["se"], "se", "se")
    assert_close(c[stat], ref["zval"], "stat", stat)
    assert_close(c["pval"], ref["pval"], "pvalue", "p")
    assert_close(c[["ci_low", "ci_high"]].to_numpy().T.ravel(), ref["ci_low"] + ref["ci_high"],
                 "ci", "CI")
    assert_close(res.tau2, ref["tau2"], "tau2", "residual tau^2")
    assert_close([res.i2, res.h2], [ref["i2"], ref["h2"]], "heterogeneity", "I^2, H^2")
    assert_close([res.qe, res.qm], [ref["qe"], ref["qm"]], "q", "QE, QM")
    assert_close([res.qe_p, res.qm_p], [ref["qe_p"], ref["qm_p"]], "pvalue", "p of QE, QM")
    assert_close(res.r2, ref["r2"], "heterogeneity", "R^2")
    assert res.qm_df == ref["qm_df"][0]
    if test == "knha":
        assert res.qm_ddf == ref["qm_df"][1]


SUB = list(REF["subgroups"])


def _sub_case(key):
    parts = key.split("_")
    test, method, group = parts[-1], parts[-2], parts[-3]
    ds = "_".join(parts[:-3])
    d = dataset(ds)
    return d, group, pool(d["yi"], d["vi"], method=method, test=test)


@pytest.mark.parametrize("key", SUB)
def test_subgroups_separate(key):
    d, group, res = _sub_case(key)
    ref = REF["subgroups"][key]
    sub = res.subgroup(d[group])
    assert list(sub.table["group"]) == ref["groups"]
    assert_close([sub.test.qb, sub.test.df], [ref["separate_test"]["qb"], ref["separate_test"]["df"]],
                 "q", "Qb")
    assert_close(sub.test.pval, ref["separate_test"]["p"], "pvalue", "p of Qb")
    for row, name in zip(sub.table.itertuples(), ref["groups"]):
        r = ref["separate"][name]
        assert_close([row.estimate, row.se, row.ci_low, row.ci_high],
                     [r["estimate"], r["se"], r["ci_low"], r["ci_high"]], "ci", f"group {name}")
        assert_close([row.tau2, row.q], [r["tau2"], r["q"]], "tau2", f"group {name} heterogeneity")
        assert_close(row.i2, r["i2"], "heterogeneity", f"group {name} I^2")


@pytest.mark.parametrize("key", SUB)
def test_subgroups_common_tau2(key):
    d, group, res = _sub_case(key)
    ref = REF["subgroups"][key]["common"]
    sub = res.subgroup(d[group], tau2="common")
    assert_close(sub.test.qb, ref["qm"], "q", "QM")
    assert_close(sub.test.pval, ref["qm_p"], "pvalue", "p of QM")
    assert sub.test.df == ref["qm_df"][0]
    assert_close(sub.table["estimate"], ref["estimates"], "estimate", "group estimates")
    assert_close(sub.table["se"], ref["se"], "se", "group se")
    assert_close(sub.table["ci_low"], ref["ci_low"], "ci", "group CI")
    assert_close(sub.table["tau2"].iloc[0], ref["tau2"], "tau2", "common tau^2")


def test_statsmodels_wls_agrees_with_core_fit():
    """The coefficients come from statsmodels; the core engine must give the same."""
    from reviewlib.meta import core
    d = dataset("bcg")
    res = meta_regression("yi", "vi", ["ablat"], data=d, method="REML")
    X = np.column_stack([np.ones(len(d)), d["ablat"]])
    fit = core.fit_batch(d["yi"].to_numpy(), d["vi"].to_numpy(), X, np.ones((1, len(d))), "REML")
    np.testing.assert_allclose(res.coefficients["estimate"], fit.beta[0], rtol=1e-10)
    np.testing.assert_allclose(res.coefficients["se"], fit.se[0], rtol=1e-10)


def test_regression_input_errors():
    d = dataset("bcg")
    mods = pd.DataFrame({"ablat": d["ablat"].astype(float)})
    mods.loc[3, "ablat"] = np.nan
    with pytest.raises(UsageError, match="missing for study 4"):
        meta_regression(d["yi"], d["vi"], mods)
    with pytest.raises(UsageError, match="collinear"):
        meta_regression(d["yi"], d["vi"], pd.DataFrame({"a": d["ablat"], "b": 2 * d["ablat"]}))
    with pytest.raises(UsageError, match="single level"):
        meta_regression(d["yi"], d["vi"], pd.DataFrame({"g": ["x"] * len(d)}))


def test_regression_summary_text():
    d = dataset("bcg")
    text = meta_regression("yi", "vi", ["ablat"], data=d).summary()
    assert "Mixed-Effects Model (k = 13; tau^2 estimator: REML)" in text
    assert "QM(df = 1) = " in text and "ablat" in text
