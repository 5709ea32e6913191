"""Leave-one-out, influence diagnostics, cumulative meta-analysis and Q-profile intervals
against metafor's ``leave1out``, ``influence``, ``cumul`` and ``confint``.

Reference calls (metafor version in the reference file): ``leave1out(res)``,
``influence(res)``, ``cumul(res)`` (and ``cumul(res, order = year)`` for dat.bcg),
``confint(res, control = list(tol = 1e-12, maxiter = 10000))``.
"""

from __future__ import annotations

import numpy as np
import pytest

from metafor_ref import REF, assert_close, dataset
from reviewlib.meta import pool
from reviewlib.meta.stats import generalized_q

#: FE with Knapp-Hartung is compared on purpose (metafor allows it too, with a warning).
pytestmark = pytest.mark.filterwarnings("ignore:the Knapp-Hartung adjustment:UserWarning")

CASES = [(ds, key) for ds in REF["sensitivity"] for key in REF["sensitivity"][ds]]
IDS = [f"{d}-{k}" for d, k in CASES]

#: (our column, metafor's element, tolerance kind)
FIT_COLUMNS = [("estimate", "estimate", "estimate"), ("se", "se", "se"), ("stat", "zval", "stat"),
               ("pval", "pval", "pvalue"), ("ci_low", "ci.lb", "ci"), ("ci_high", "ci.ub", "ci"),
               ("q", "Q", "q"), ("q_p", "Qp", "pvalue"), ("tau2", "tau2", "tau2"),
               ("i2", "I2", "heterogeneity"), ("h2", "H2", "heterogeneity")]


def _fit(ds, key):
    method, test = key.split("_")
    d = dataset(ds)
    return d, pool(d["yi"], d["vi"], method=method, test=test, labels=d["label"])


def _compare(frame, ref, res, what):
    stat = "zval" if res.test == "z" else "tval"
    for ours, theirs, kind in FIT_COLUMNS:
        col = stat if ours == "stat" else ours
        expected = ref[theirs] if ref[theirs] else [0.0] * len(frame)  # FE: metafor omits tau2
        assert_close(frame[col].to_numpy(), expected, kind, f"{what} {col}")


@pytest.mark.parametrize("ds,key", CASES, ids=IDS)
def test_leave_one_out(ds, key):
    d, res = _fit(ds, key)
    loo = res.leave_one_out()
    assert list(loo["label"]) == list(d["label"])
    assert (loo["k"] == res.k - 1).all() and loo["converged"].all()
    _compare(loo, REF["sensitivity"][ds][key]["leave1out"], res, "leave-one-out")


@pytest.mark.parametrize("ds,key", CASES, ids=IDS)
def test_influence(ds, key):
    _, res = _fit(ds, key)
    inf = res.influence()
    ref = REF["sensitivity"][ds][key]["influence"]
    for ours, theirs in [("rstudent", "rstudent"), ("dffits", "dffits"), ("cook_d", "cook.d"),
                         ("cov_r", "cov.r"), ("tau2_del", "tau2.del"), ("qe_del", "QE.del"),
                         ("hat", "hat"), ("weight", "weight"), ("dfbetas", "dfbetas")]:
        expected = ref[theirs] if ref[theirs] else [0.0] * res.k
        assert_close(inf[ours].to_numpy(), expected, "influence", ours)
    assert list(inf["inf"]) == ref["inf"]


@pytest.mark.parametrize("ds,key", CASES, ids=IDS)
def test_cumulative(ds, key):
    _, res = _fit(ds, key)
    cum = res.cumulative()
    assert list(cum["k"]) == list(range(1, res.k + 1))
    _compare(cum, REF["sensitivity"][ds][key]["cumulative"], res, "cumulative")


@pytest.mark.parametrize("key", list(REF["sensitivity"]["bcg"]))
def test_cumulative_by_year(key):
    d, res = _fit("bcg", key)
    ref = REF["sensitivity"]["bcg"][key]["cumulative_by_year"]
    cum = res.cumulative(order=d["year"])
    assert list(cum["position"]) == ref["order"]  # R's order(): 1-based, stable on ties
    _compare(cum, ref, res, "cumulative by year")


@pytest.mark.parametrize("ds,key", [c for c in CASES if not c[1].startswith("FE")],
                         ids=[i for c, i in zip(CASES, IDS) if not c[1].startswith("FE")])
def test_q_profile_confint(ds, key):
    _, res = _fit(ds, key)
    ci = res.confint()
    ref = REF["sensitivity"][ds][key]["confint"]
    tau2_max = max(100.0, 10 * res.tau2)  # metafor's default search limit
    if np.isclose(ref["tau2"][2], tau2_max, rtol=1e-12):
        # metafor stops at its search limit and reports the bound as "> limit"; we search
        # on and find the actual root, which must lie beyond metafor's limit and solve
        # Q(tau^2) = chi^2_{k-1}(0.025) exactly.
        from scipy.stats import chi2
        hi = ci.loc["tau2", "ci_high"]
        assert hi > tau2_max
        q = generalized_q(np.array([hi]), res.yi, res.vi, np.ones((res.k, 1)), np.ones((1, res.k)))
        assert q[0] == pytest.approx(chi2.ppf(0.025, res.k - 1), rel=1e-9)
        assert_close(ci.loc["tau2", ["estimate", "ci_low"]].to_numpy(), ref["tau2"][:2],
                     "qprofile", "tau2 CI")
        return
    for row in ("tau2", "tau", "i2", "h2"):
        assert_close(ci.loc[row, ["estimate", "ci_low", "ci_high"]].to_numpy(), ref[row],
                     "qprofile", f"{row} CI")


def test_confint_refuses_fixed_effect():
    d = dataset("bcg")
    from reviewlib.errors import UsageError
    with pytest.raises(UsageError, match="fixed-effect"):
        pool(d["yi"], d["vi"], method="FE").confint()
