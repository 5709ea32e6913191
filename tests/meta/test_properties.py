"""Properties every estimator must have, on random data (hypothesis, derandomized: the
examples are the same on every run, so a failure is reproducible and CI never fails at random).

- location equivariance: adding c to every effect adds c to the estimate and leaves tau^2,
  Q and I^2 unchanged;
- scale equivariance: multiplying effects by a and variances by a^2 multiplies tau^2 by a^2;
- the order of the studies does not matter;
- an iterative estimate with tau^2 > 0 solves its estimating equation.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewlib.meta import METHODS, pool
from reviewlib.meta.stats import generalized_q

finite = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)
variance = st.floats(min_value=0.005, max_value=2.0, allow_nan=False, allow_infinity=False)


@st.composite
def studies(draw):
    k = draw(st.integers(min_value=3, max_value=12))
    yi = np.array(draw(st.lists(finite, min_size=k, max_size=k)))
    vi = np.array(draw(st.lists(variance, min_size=k, max_size=k)))
    return yi, vi


@settings(max_examples=25, deadline=None, derandomize=True)
@given(data=studies(), shift=st.floats(-5, 5), method=st.sampled_from(METHODS))
def test_location_equivariance(data, shift, method):
    yi, vi = data
    a = pool(yi, vi, method=method)
    b = pool(yi + shift, vi, method=method)
    assert b.estimate == pytest.approx(a.estimate + shift, abs=1e-8)
    assert b.tau2 == pytest.approx(a.tau2, rel=1e-7, abs=1e-10)
    assert b.q == pytest.approx(a.q, rel=1e-7, abs=1e-9)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(data=studies(), scale=st.floats(0.1, 10), method=st.sampled_from(METHODS))
def test_scale_equivariance(data, scale, method):
    yi, vi = data
    a = pool(yi, vi, method=method)
    b = pool(yi * scale, vi * scale**2, method=method)
    assert b.tau2 == pytest.approx(a.tau2 * scale**2, rel=1e-7, abs=1e-10)
    assert b.estimate == pytest.approx(a.estimate * scale, rel=1e-7, abs=1e-9)
    assert b.i2 == pytest.approx(a.i2, rel=1e-7, abs=1e-7)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(data=studies(), seed=st.integers(0, 2**32 - 1), method=st.sampled_from(METHODS))
def test_order_does_not_matter(data, seed, method):
    yi, vi = data
    perm = np.random.default_rng(seed).permutation(len(yi))
    a = pool(yi, vi, method=method)
    b = pool(yi[perm], vi[perm], method=method)
    assert b.estimate == pytest.approx(a.estimate, rel=1e-9, abs=1e-12)
    assert b.tau2 == pytest.approx(a.tau2, rel=1e-8, abs=1e-12)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=studies())
def test_paule_mandel_solves_generalised_q(data):
    yi, vi = data
    res = pool(yi, vi, method="PM")
    k = len(yi)
    q = generalized_q(np.array([res.tau2]), yi, vi, np.ones((k, 1)), np.ones((1, k)))[0]
    if res.tau2 > 0:
        assert q == pytest.approx(k - 1, rel=1e-9)
    else:
        assert q <= k - 1 + 1e-9


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=studies())
def test_reml_is_a_maximum(data):
    """The REML estimate beats nearby values of the restricted likelihood."""
    yi, vi = data
    res = pool(yi, vi, method="REML")

    def restricted_ll(t):
        w = 1 / (vi + t)
        mu = np.sum(w * yi) / w.sum()
        return -0.5 * (np.sum(np.log(vi + t)) + np.log(w.sum()) + np.sum(w * (yi - mu) ** 2))

    best = restricted_ll(res.tau2)
    for t in (res.tau2 * 0.9, res.tau2 * 1.1 + 1e-6, res.tau2 + 0.01):
        assert best >= restricted_ll(t) - 1e-10
