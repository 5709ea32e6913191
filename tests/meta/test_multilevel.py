"""Three-level model and CR2 cluster-robust inference against R.

Reference: ``tests/data/meta/multilevel_reference.json`` from
``validation/metafor/run_multilevel.R`` -- metafor 3.8-1 ``rma.mv(yi, vi, random = ~ 1 |
outer/inner)`` (REML and ML) and ``rma(yi, vi)`` (REML), clubSandwich 0.5.8
``coef_test(fit, vcov = "CR2", cluster = outer, test = "Satterthwaite")`` and ``conf_int``,
on metafor's dat.konstantopoulos2011 (districts/schools), dat.assink2016 (studies/effect
sizes), a seeded synthetic set whose inner groups hold several effects, and a seeded set
whose inner-level variance is on its boundary.
"""

from __future__ import annotations

import functools
import importlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reviewlib.errors import UsageError
from reviewlib.meta import multilevel, pool, robust

DATA = Path(__file__).resolve().parents[1] / "data" / "meta"
REF = json.loads((DATA / "multilevel_reference.json").read_text())
SETS = {d["name"]: d for d in REF["datasets"]}
REL = 1e-6
#: metafor's optimiser works on log(sigma2), so a component on its boundary comes back as
#: ~1e-10 rather than 0 (multilevel_boundary); reviewlib returns exactly 0.
SIGMA2_ABS = 1e-9


@functools.cache  # one fit per dataset and method, shared by the tests (none mutates it)
def _fit(name, method="REML"):
    d = SETS[name]
    df = pd.read_csv(DATA / d["file"])
    return d, df, multilevel("yi", "vi", d["outer"], d["inner"], method=method, data=df)


@pytest.mark.parametrize("name", sorted(SETS))
@pytest.mark.parametrize("method", ["REML", "ML"])
def test_multilevel_equals_metafor_rma_mv(name, method):
    d, _, res = _fit(name, method)
    ref = d[method.lower()]
    assert res.k == ref["k"]
    assert list(res.n_levels) == ref["n_levels"]
    assert list(res.sigma2) == pytest.approx(ref["sigma2"], rel=REL, abs=SIGMA2_ABS)
    for key in ("estimate", "se", "zval", "ci_low", "ci_high", "q", "loglik"):
        assert getattr(res, key) == pytest.approx(ref[key], rel=REL), key
    assert res.pval == pytest.approx(ref["pval"], rel=1e-5)
    assert res.q_p == pytest.approx(ref["q_p"], rel=1e-5)
    assert res.q_df == ref["q_df"]


@pytest.mark.parametrize("name", sorted(SETS))
def test_cr2_on_the_multilevel_fit_equals_clubsandwich(name):
    d, df, res = _fit(name)
    rob = res.robust(df[d["outer"]])
    ref = d["reml_robust"]
    for key in ("estimate", "se", "t", "df", "p", "ci_low", "ci_high"):
        assert getattr(rob, key) == pytest.approx(ref[key], rel=REL), key
    assert rob.n_clusters == d["reml"]["n_levels"][0]


@pytest.mark.parametrize("name", sorted(SETS))
def test_cr2_on_the_random_effects_fit_equals_clubsandwich(name):
    d = SETS[name]
    df = pd.read_csv(DATA / d["file"])
    fit = pool("yi", "vi", data=df)
    assert fit.tau2 == pytest.approx(d["uni"]["tau2"], rel=REL)
    rob = robust(fit, df[d["outer"]])
    ref = d["uni_robust"]
    for key in ("estimate", "se", "t", "df", "p", "ci_low", "ci_high"):
        assert getattr(rob, key) == pytest.approx(ref[key], rel=REL), key
    assert fit.robust(df[d["outer"]]).se == rob.se


def test_row_order_does_not_matter():
    d, df, res = _fit("multilevel_synthetic")
    perm = np.random.default_rng(7).permutation(len(df))
    other = multilevel("yi", "vi", d["outer"], d["inner"], data=df.iloc[perm])
    assert list(other.sigma2) == pytest.approx(list(res.sigma2), rel=1e-9)
    assert other.estimate == pytest.approx(res.estimate, rel=1e-10)
    assert other.robust(df[d["outer"]].iloc[perm]).df == pytest.approx(
        res.robust(df[d["outer"]]).df, rel=1e-9)


def test_the_estimate_maximises_the_restricted_likelihood():
    """Every nearby admissible sigma2 has a lower REML likelihood (also at a boundary)."""
    mlmod = importlib.import_module("reviewlib.meta.multilevel")  # the module, not the function
    d, df, res = _fit("konstantopoulos2011")
    out = pd.factorize(df[d["outer"]].astype(str))[0]
    inn = pd.factorize(pd.Series(list(zip(df[d["outer"]], df[d["inner"]]))))[0]
    blocks = mlmod._blocks(df["yi"].to_numpy(), df["vi"].to_numpy(), out, inn)
    best = mlmod._evaluate(blocks, np.array(res.sigma2), True).loglik
    assert best == pytest.approx(d["reml"]["loglik"], rel=1e-10)
    for d1 in (-1e-3, 0, 1e-3):
        for d2 in (-1e-3, 0, 1e-3):
            s = np.maximum(np.array(res.sigma2) + [d1, d2], 0)
            assert mlmod._evaluate(blocks, s, True).loglik <= best + 1e-12


def test_a_component_on_the_boundary_is_exactly_zero():
    _, _, res = _fit("multilevel_boundary")
    assert res.sigma2[1] == 0.0 and res.sigma2[0] > 0


def test_homogeneous_effects_put_both_components_on_the_boundary():
    yi = [0.20, 0.21, 0.19, 0.20, 0.22, 0.18, 0.20, 0.21]
    vi = [0.04] * 8
    res = multilevel(yi, vi, outer=list("aabbccdd"), inner=[1, 2, 1, 2, 1, 2, 1, 2])
    assert res.sigma2 == (0.0, 0.0)
    fe = pool(yi, vi, method="FE")
    assert res.estimate == pytest.approx(fe.estimate, rel=1e-12)
    assert res.se == pytest.approx(fe.se, rel=1e-12)


@pytest.mark.parametrize("outer,inner,match", [
    (list("aaaa"), [1, 2, 3, 4], "one outer cluster"),
    (list("aabb"), [1, 1, 1, 1], "cannot be told apart"),
    (["a", None, "b", "b"], [1, 2, 1, 2], "outer is missing for effect 2"),
    (list("aab"), [1, 2, 1], "3 values for 4 effects"),
])
def test_degenerate_designs_are_refused(outer, inner, match):
    with pytest.raises(UsageError, match=match):
        multilevel([0.1, 0.2, 0.3, 0.4], [0.01] * 4, outer, inner)


def test_robust_clusters_must_contain_whole_outer_clusters():
    d, df, res = _fit("konstantopoulos2011")
    with pytest.raises(UsageError, match="split across several clusters"):
        res.robust(df["study"])
    with pytest.raises(UsageError, match="at least two clusters"):
        res.robust(["all"] * res.k)
    coarser = (df["district"] // 10).astype(str)  # whole districts, fewer clusters
    assert res.robust(coarser).n_clusters == coarser.nunique()


def test_unknown_method_is_refused():
    with pytest.raises(UsageError, match="choose REML or ML"):
        multilevel([0.1, 0.2, 0.3, 0.4], [0.01] * 4, list("aabb"), [1, 2, 1, 2], method="DL")
