"""Effect-size formulas against hand computation, scipy.stats and R metafor.

R reference values: R 4.2.2 Patched (2022-11-10 r83330), metafor 3.8-1, printed with
``sprintf("%.15g")`` by tests/data/effects/metafor_reference.R (the escalc call is repeated
above each value).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from reviewlib.effects import conversions as cv

#: metafor prints 15 significant digits; our formulas are the same closed forms.
RTOL_METAFOR = 1e-12
#: hand computations below are written out to 6-7 significant digits.
RTOL_HAND = 1e-6


def test_z_critical_matches_scipy():
    assert cv.z_critical(95) == pytest.approx(stats.norm.ppf(0.975), rel=1e-15)
    assert cv.z_critical(90) == pytest.approx(1.6448536, rel=RTOL_HAND)
    with pytest.raises(ValueError):
        cv.z_critical(0)


def test_se_from_ci_on_log_scale():
    # OR 1.5 with 95% CI 1.2 to 2.0: SE(ln OR) = (ln 2.0 - ln 1.2) / (2 * 1.959964)
    #   = (0.6931472 - 0.1823216) / 3.919928 = 0.5108256 / 3.919928 = 0.1303150
    assert cv.se_from_ci(math.log(1.2), math.log(2.0)) == pytest.approx(0.1303150, rel=RTOL_HAND)
    # a 90% interval is narrower for the same SE: z = 1.644854
    assert cv.se_from_ci(-1.644854, 1.644854, level=90) == pytest.approx(1.0, rel=RTOL_HAND)


def test_se_from_p_fitriani_cos_man():
    # Fitriani et al. (2023) Table 3, Model I, cos_man: b = 0.0434145, p = 0.335.
    # z = Phi^-1(1 - 0.335/2) = Phi^-1(0.8325) = 0.9640916; SE = 0.0434145 / 0.9640916 = 0.0450315
    z = stats.norm.isf(0.335 / 2)
    assert z == pytest.approx(0.9640916, rel=RTOL_HAND)
    assert cv.se_from_p(0.0434145, 0.335) == pytest.approx(0.0450315, rel=RTOL_HAND)
    # and back: the Wald p of b/SE is the printed p
    se = cv.se_from_p(0.0434145, 0.335)
    assert cv.p_from_statistic(0.0434145 / se) == pytest.approx(0.335, rel=1e-12)


def test_se_from_p_bound_is_conservative():
    # p printed 0.000 -> p < 0.0005; z(0.00025) = 3.4807564 and SE <= 0.6253829 / 3.4807564
    b = 0.6253829
    bound = cv.se_from_p(b, 0.0005)
    assert bound == pytest.approx(b / 3.4807564, rel=RTOL_HAND)
    # every smaller p gives a smaller SE: the bound is the largest SE the printing allows
    for p in (1e-4, 1e-6, 1e-12):
        assert cv.se_from_p(b, p) < bound
    assert cv.se_from_p(b, 1.0) == math.inf
    assert math.isnan(cv.se_from_p(b, 0.0))


def test_se_from_t_suryawijaya():
    # Suryawijaya & Wardhani (2023) Table 3, X -> Y: 0.969 / 164.130 = 0.005903857
    assert cv.se_from_t(0.969, 164.130) == pytest.approx(0.005903857, rel=RTOL_HAND)


def test_p_from_t_uses_t_distribution():
    assert cv.p_from_statistic(2.0, 10) == pytest.approx(2 * stats.t.sf(2.0, 10), rel=1e-15)
    assert cv.p_from_statistic(-1.959964) == pytest.approx(0.05, rel=RTOL_HAND)


def test_log_odds_ratio_with_delta_se():
    # SE(OR) = OR * SE(ln OR): OR 2.0 with SE 0.4 -> SE(ln OR) = 0.2
    y, se = cv.log_odds_ratio(2.0, 0.4)
    assert y == pytest.approx(math.log(2.0)) and se == pytest.approx(0.2)
    assert math.isnan(cv.log_odds_ratio(-1.0)[0])


def test_fisher_z_matches_metafor_zcor():
    # escalc("ZCOR", ri = 0.969, ni = 100) -> yi = 2.07564693707699, vi = 0.0103092783505155
    assert cv.fisher_z(0.969) == pytest.approx(2.07564693707699, rel=RTOL_METAFOR)
    assert cv.var_fisher_z(100) == pytest.approx(0.0103092783505155, rel=RTOL_METAFOR)


def test_var_r_matches_metafor_cor():
    # escalc("COR", ri = 0.419, ni = 100) -> vi = 0.006865653179
    assert cv.var_r(0.419, 100) == pytest.approx(0.006865653179, rel=1e-10)


def test_partial_r_matches_metafor_pcor():
    # escalc("PCOR", ti = 1.402, ni = 100, mi = 2): df = 100 - 2 - 1 = 97
    #   yi = 0.14093078592373, vi = 0.00990382995670819
    r = cv.partial_r_from_t(1.402, 97)
    assert r == pytest.approx(0.14093078592373, rel=RTOL_METAFOR)
    assert cv.var_partial_r(r, 97) == pytest.approx(0.00990382995670819, rel=RTOL_METAFOR)


def test_fisher_z_of_partial_r_follows_fisher_1924():
    # escalc("ZPCOR", ti = 1.402, ni = 100, mi = 2) gives yi = 0.141875096608548 (same z) but
    # vi = 1/97 = 0.0103092783505155. We use Fisher's (1924) 1/(n - q - 3) with q = 1 covariate,
    # i.e. 1/(df - 1) = 1/96 = 0.0104166667: a deliberate difference, pinned here.
    r = cv.partial_r_from_t(1.402, 97)
    assert cv.fisher_z(r) == pytest.approx(0.141875096608548, rel=RTOL_METAFOR)
    assert cv.var_fisher_z_partial(97) == pytest.approx(1 / 96)
    assert cv.var_fisher_z_partial(97) != pytest.approx(0.0103092783505155, rel=1e-6)


def test_d_to_log_or_matches_metafor_d2orl():
    # escalc("D2ORL", m1i=1, m2i=0, sd1i=2, sd2i=2, n1i=50, n2i=50): d = 1/2 = 0.5 (pooled SD 2)
    #   yi = 0.906899682117109, vi = 0.135707060514979
    d = 0.5
    v = cv.var_d(d, 50, 50)  # 1/50 + 1/50 + 0.25/200 = 0.04125
    assert v == pytest.approx(0.04125, rel=1e-15)
    y, vy = cv.d_to_log_or(d, v)
    assert y == pytest.approx(0.906899682117109, rel=RTOL_METAFOR)
    assert vy == pytest.approx(0.135707060514979, rel=RTOL_METAFOR)


def test_borenstein_chapter7_hand_values():
    # log OR 0.9069 -> d = 0.9069 * sqrt(3)/pi = 0.9069 * 0.5513289 = 0.5000002
    d, v = cv.log_or_to_d(0.9069, 0.0373)
    assert d == pytest.approx(0.9069 * math.sqrt(3) / math.pi) and d == pytest.approx(0.5, abs=1e-6)
    assert v == pytest.approx(0.0373 * 3 / math.pi ** 2)
    # r = 0.5, V_r = 0.01 -> d = 2 * 0.5 / sqrt(0.75) = 1.1547005; V_d = 0.04 / 0.421875 = 0.0948148
    d, v = cv.r_to_d(0.5, 0.01)
    assert d == pytest.approx(1.1547005, rel=RTOL_HAND) and v == pytest.approx(0.0948148, rel=RTOL_HAND)
    # d = 1.1547005 back to r with a = 4: 1.1547005 / sqrt(1.3333333 + 4) = 0.5
    r, vr = cv.d_to_r(d, v)
    assert r == pytest.approx(0.5, rel=RTOL_HAND) and vr == pytest.approx(0.01, rel=RTOL_HAND)
    # unequal groups change a: n1 = 20, n2 = 80 -> a = 100^2 / 1600 = 6.25
    r_unequal, _ = cv.d_to_r(1.0, 0.05, 20, 80)
    assert r_unequal == pytest.approx(1 / math.sqrt(1 + 6.25))


def test_hedges_j():
    # J = 1 - 3/(4*98 - 1) = 1 - 3/391 = 0.9923274
    assert cv.hedges_j(98) == pytest.approx(0.9923274, rel=RTOL_HAND)


finite = dict(allow_nan=False, allow_infinity=False)


@given(st.floats(-5, 5, **finite), st.floats(1e-4, 10, **finite))
def test_round_trip_d_log_or(d, v):
    y, vy = cv.d_to_log_or(d, v)
    d2, v2 = cv.log_or_to_d(y, vy)
    assert d2 == pytest.approx(d, rel=1e-12, abs=1e-12) and v2 == pytest.approx(v, rel=1e-12)


@given(st.floats(-0.99, 0.99, **finite), st.floats(1e-5, 1, **finite))
def test_round_trip_r_d_r(r, v):
    d, vd = cv.r_to_d(r, v)
    r2, v2 = cv.d_to_r(d, vd)
    assert r2 == pytest.approx(r, rel=1e-9, abs=1e-12) and v2 == pytest.approx(v, rel=1e-9)


@given(st.floats(-0.99, 0.99, **finite), st.floats(1e-5, 1, **finite))
def test_round_trip_r_d_log_or_d_r(r, v):
    d, vd = cv.r_to_d(r, v)
    y, vy = cv.d_to_log_or(d, vd)
    r2, v2 = cv.d_to_r(*cv.log_or_to_d(y, vy))
    assert r2 == pytest.approx(r, rel=1e-9, abs=1e-12) and v2 == pytest.approx(v, rel=1e-9)


@given(st.floats(0.01, 3, **finite), st.floats(0.01, 1, **finite))
def test_se_from_p_inverts_the_wald_test(b, se):
    p = cv.p_from_statistic(b / se)
    if p > 1e-300:
        assert cv.se_from_p(b, p) == pytest.approx(se, rel=1e-6)
