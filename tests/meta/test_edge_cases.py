"""Edges of the parameter space and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from metafor_ref import REF, dataset
from reviewlib.errors import ConvergenceError, UsageError
from reviewlib.meta import METHODS, estimators, pool


def test_single_study_random_effects_is_refused():
    with pytest.raises(UsageError, match="at least 2 studies"):
        pool([0.3], [0.04], method="REML")


def test_single_study_fixed_effect_is_the_study():
    res = pool([0.3], [0.04], method="FE")
    assert (res.estimate, res.se, res.k, res.df) == (0.3, 0.2, 1, 0)
    assert (res.q, res.q_pvalue, res.i2, res.h2, res.tau2) == (0.0, 1.0, 0.0, 1.0, 0.0)


@pytest.mark.parametrize("method", METHODS)
def test_boundary_tau2_is_exactly_zero(method):
    """Near-identical effects: every estimator lands on tau^2 = 0 (metafor agrees)."""
    d = dataset("edge_homogeneous")
    res = pool(d["yi"], d["vi"], method=method)
    assert res.tau2 == 0.0 or method == "SJ"  # SJ is positive by construction
    assert res.tau2 == pytest.approx(REF["pooled"]["edge_homogeneous"][f"{method}_z"]["tau2"], abs=1e-12)


@pytest.mark.filterwarnings("ignore:the Knapp-Hartung adjustment:UserWarning")
@pytest.mark.parametrize("method", METHODS)
def test_identical_effects(method):
    d = dataset("edge_identical")
    res = pool(d["yi"], d["vi"], method=method, test="knha")
    assert res.estimate == pytest.approx(0.5, abs=1e-15) and res.tau2 == 0.0 and res.q == 0.0
    assert res.se == 0.0 and res.ci_low == res.ci_high  # Knapp-Hartung scale of 0, as metafor


def test_two_studies_all_estimators():
    d = dataset("edge_k2")
    for method in METHODS:
        res = pool(d["yi"], d["vi"], method=method)
        assert res.df == 1 and res.converged


@pytest.mark.parametrize("vi,match", [([0.1, 0.0, 0.2], r"vi <= 0 for study 2 \(B\)"),
                                       ([0.1, -0.2, -1.0], r"study 2 \(B\), 3 \(C\)")])
def test_nonpositive_variances_name_the_studies(vi, match):
    with pytest.raises(UsageError, match=match):
        pool([0.1, 0.2, 0.3], vi, labels=["A", "B", "C"])


def test_missing_and_non_numeric_values():
    with pytest.raises(UsageError, match=r"yi is missing \(NaN\) for study 3"):
        pool([0.1, 0.2, np.nan], [0.1, 0.1, 0.1])
    with pytest.raises(UsageError, match="vi is not a number for study 1"):
        pool([0.1, 0.2], ["x", 0.1])
    with pytest.raises(UsageError, match="infinite"):
        pool([0.1, np.inf], [0.1, 0.1])
    with pytest.raises(UsageError, match="yi has 3 values but vi has 2"):
        pool([0.1, 0.2, 0.3], [0.1, 0.1])
    with pytest.raises(UsageError, match="empty"):
        pool([], [])


def test_a_table_is_not_flattened_into_studies():
    """A (2, k) array would otherwise become 2k studies; a column vector is still fine."""
    with pytest.raises(UsageError, match=r"yi must be one value per study .*shape \(2, 3\)"):
        pool([[0.1, 0.2, 0.3], [0.01, 0.02, 0.03]], [0.1] * 6)
    with pytest.raises(UsageError, match=r"vi must be one value per study"):
        pool([0.1] * 4, np.full((2, 2), 0.1))
    col = pool(np.array([[0.1], [0.3], [0.2]]), np.array([[0.01], [0.02], [0.03]]), method="DL")
    assert col.estimate == pool([0.1, 0.3, 0.2], [0.01, 0.02, 0.03], method="DL").estimate


def test_bad_options_list_the_choices():
    with pytest.raises(UsageError, match="FE, DL, HE, HS, SJ, ML, REML, EB, PM"):
        pool([0.1, 0.2], [0.1, 0.1], method="XYZ")
    with pytest.raises(UsageError, match="'z' or 'knha'"):
        pool([0.1, 0.2], [0.1, 0.1], test="t")
    with pytest.raises(UsageError, match="between 0 and 100"):
        pool([0.1, 0.2], [0.1, 0.1], level=120)
    assert pool([0.1, 0.2], [0.1, 0.1], level=0.9).level == 90.0


def test_convergence_failure_names_the_estimator(monkeypatch):
    d = dataset("bcg")
    monkeypatch.setattr(estimators, "MAX_ITER", 1)
    with pytest.raises(ConvergenceError, match="REML"):
        pool(d["yi"], d["vi"], method="REML")


def test_statistic_names_follow_the_test():
    d = dataset("bcg")
    z = pool(d["yi"], d["vi"])
    t = pool(d["yi"], d["vi"], test="knha")
    assert z.zval == z.statistic and t.tval == t.statistic
    with pytest.raises(AttributeError):
        z.tval
    with pytest.raises(AttributeError):
        t.zval


def test_to_dict_is_json_and_has_the_contract_keys():
    d = dataset("bcg")
    out = pool(d["yi"], d["vi"]).to_dict()
    for key in ("k", "method", "estimate", "se", "ci_low", "ci_high", "tau2", "i2", "h2", "q",
                "q_p", "pi_low", "pi_high"):
        assert key in out
    assert json.loads(json.dumps(out, allow_nan=False)) == out


def test_data_frame_columns_and_labels():
    d = dataset("bcg")
    res = pool("yi", "vi", data=d, labels="label")
    assert res.labels[0] == "Aronson 1948"
    frame = res.to_frame()
    assert frame["weight"].sum() == pytest.approx(100)
    with pytest.raises(UsageError, match="no column 'effect'"):
        pool("effect", "vi", data=d)


def test_cumulative_order_must_match_k():
    d = dataset("bcg")
    with pytest.raises(UsageError, match="order has 3 values for 13 studies"):
        pool(d["yi"], d["vi"]).cumulative(order=[1, 2, 3])


def test_subgroup_input_errors():
    d = dataset("bcg")
    res = pool(d["yi"], d["vi"])
    with pytest.raises(UsageError, match="at least 2 groups"):
        res.subgroup(["a"] * 13)
    with pytest.raises(UsageError, match="groups has 2 values"):
        res.subgroup(["a", "b"])
    with pytest.raises(UsageError, match="'separate' or 'common'"):
        res.subgroup(d["alloc"], tau2="pooled")
    # a blank text cell is a missing group, not a group named ''
    with pytest.raises(UsageError, match="group is missing for study 2, 5"):
        res.subgroup(["a", "", "b", "a", "  "] + ["b"] * 8)


def test_leave_one_out_and_influence_scale_to_k_1000():
    """Vectorised refits: k = 1,000 leave-one-out + influence in well under a few seconds."""
    import time
    rng = np.random.default_rng(20260101)
    k = 1000
    vi = rng.uniform(0.01, 0.2, k)
    yi = rng.normal(0.3, np.sqrt(vi + 0.05))
    res = pool(yi, vi, method="REML")
    start = time.perf_counter()
    loo = res.leave_one_out()
    inf = res.influence()
    elapsed = time.perf_counter() - start
    assert len(loo) == k and loo["converged"].all() and len(inf) == k
    # spot check one refit against a direct fit without that study
    direct = pool(np.delete(yi, 417), np.delete(vi, 417), method="REML")
    assert loo.loc[417, "estimate"] == pytest.approx(direct.estimate, rel=1e-10)
    assert loo.loc[417, "tau2"] == pytest.approx(direct.tau2, rel=1e-8)
    assert elapsed < 20


def test_moderator_text_cells_blank_or_numeric():
    """Read with dtype=str, a blank cell is missing (not a level ''), and numbers stored as
    text are still dummy-coded -- with a warning, since a slope was more likely meant."""
    import pandas as pd
    from reviewlib.meta import meta_regression
    d = dataset("bcg")
    region = ["north", "south"] * 6 + [" "]
    with pytest.raises(UsageError, match="moderator 'region' is blank for study 13"):
        meta_regression(d["yi"], d["vi"], pd.DataFrame({"region": region}))
    year = pd.DataFrame({"year": [str(1940 + 2 * i) for i in range(13)]}, dtype=str)
    with pytest.warns(UserWarning, match="'year' holds numbers stored as text"):
        with pytest.raises(UsageError, match="cannot estimate"):   # 13 levels, 13 studies
            meta_regression(d["yi"], d["vi"], year)
    two = pd.DataFrame({"era": ["1940", "1960"] * 6 + ["1960"]}, dtype=str)
    with pytest.warns(UserWarning, match="treated as categorical"):
        res = meta_regression(d["yi"], d["vi"], two)
    assert list(res.design.columns) == ["intrcpt", "era1960"]
