"""Reading numbers exactly as printed (reviewlib.effects.parsing)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewlib.effects import parse_printed


# Cells copied from Fitriani et al. (2023) Tables 3-5 and Suryawijaya & Wardhani (2023) Table 3.
def test_p_with_decimal_comma_and_stars_is_flagged_and_bounded():
    p = parse_printed("0,000***", kind="p")
    assert p.value == 0.0
    assert p.decimals == 3
    assert p.stars == 3
    assert p.flags == ("decimal_comma", "p_zero")
    assert p.is_bound
    # printed to 3 decimals, so the true p is below half a unit of the third place
    assert (p.lower, p.upper) == (0.0, 0.0005)


def test_space_before_stars():
    p = parse_printed("0,000 ***", kind="p")
    assert (p.value, p.stars, p.flags) == (0.0, 3, ("decimal_comma", "p_zero"))
    q = parse_printed("0.019 **", kind="p")
    assert (q.value, q.stars, q.decimals, q.flags) == (0.019, 2, 3, ())


def test_exact_p_keeps_its_rounding_interval():
    p = parse_printed("0.072**", kind="p")
    assert (p.value, p.operator, p.decimals, p.stars) == (0.072, None, 3, 2)
    assert p.lower == pytest.approx(0.0715) and p.upper == pytest.approx(0.0725)
    assert parse_printed("0.88", kind="p").decimals == 2


@pytest.mark.parametrize("text,op,value", [
    ("<0.001", "<", 0.001), ("< .001", "<", 0.001), ("p < .05", "<", 0.05),
    ("≤0.01", "<=", 0.01), ("<=0.01", "<=", 0.01), (">0.05", ">", 0.05), ("≥ 0.1", ">=", 0.1),
    ("= 0.03", "=", 0.03),
])
def test_operators(text, op, value):
    p = parse_printed(text, kind="p")
    assert (p.operator, p.value) == (op, value)
    assert "p_zero" not in p.flags


def test_inequality_is_a_bound_not_a_value():
    p = parse_printed("<0.001", kind="p")
    assert p.is_bound and (p.lower, p.upper) == (0.0, 0.001)
    q = parse_printed(">0.05", kind="p")
    assert q.is_bound and (q.lower, q.upper) == (0.05, 1.0)


def test_decimal_comma_value_kept_and_flagged():
    # six digits after the comma cannot be a thousands group
    p = parse_printed("1,868962")
    assert p.value == 1.868962 and p.decimals == 6 and p.flags == ("decimal_comma",)
    assert p.shown() == "1.868962"


def test_ambiguous_separators_give_no_value():
    # Table 3, Model I, constant (meant -1.435267, but the text cannot say so)
    p = parse_printed("-1,435,267")
    assert p.value is None and p.flags == ("ambiguous_separators",)
    readings = dict(p.digit_readings())
    assert -1.435267 in readings and readings[-1.435267] == 6
    assert -1435267.0 in readings
    # one comma and three digits: thousands or decimal comma -- ambiguous for a statistic
    assert parse_printed("189,856").value is None
    assert parse_printed("1,785,459").flags == ("ambiguous_separators",)


def test_counts_use_thousands_separators():
    n = parse_printed("11,077", kind="count")
    assert n.value == 11077 and n.flags == ("thousands_separator",)
    assert parse_printed("100", kind="count").value == 100
    # a p can never be 1000 or more, so a lone comma there is a decimal comma
    assert parse_printed("0,072", kind="p").value == 0.072


@pytest.mark.parametrize("text,flag", [("", "empty"), ("-", "not_a_number"), ("ns", "not_a_number"),
                                       ("n.s.", "not_a_number"), ("1.2.3", "ambiguous_separators")])
def test_cells_without_a_number(text, flag):
    p = parse_printed(text)
    assert p.value is None and flag in p.flags


def test_unicode_minus_and_scientific_notation():
    assert parse_printed("\u22120.0277558").value == -0.0277558
    p = parse_printed("1.2e-5")
    assert p.value == 1.2e-5 and p.decimals == 6


def test_p_out_of_range_flagged():
    assert "out_of_range" in parse_printed("1.20", kind="p").flags


def test_unknown_kind_refused():
    with pytest.raises(ValueError, match="kind must be one of"):
        parse_printed("1", kind="pvalue")


@given(st.floats(min_value=-1e4, max_value=1e4, allow_nan=False), st.integers(0, 7))
def test_printed_dot_decimal_round_trips(x, k):
    text = f"{x:.{k}f}"
    p = parse_printed(text)
    assert p.decimals == k
    assert p.value == pytest.approx(float(text), abs=10.0 ** -(k + 3))
    assert p.flags == ()
    # the printed interval always contains the number that was rounded
    assert p.lower - 1e-9 <= x <= p.upper + 1e-9


@given(st.floats(min_value=0, max_value=9.999, allow_nan=False), st.sampled_from([1, 2, 4, 5, 6]))
def test_decimal_comma_never_silently_reinterpreted(x, k):
    text = f"{x:.{k}f}".replace(".", ",")
    p = parse_printed(text)
    assert "decimal_comma" in p.flags
    assert p.value == pytest.approx(float(text.replace(",", ".")))
    assert math.isfinite(p.value)


def test_counts_grouped_with_points_are_whole_numbers():
    """A count has no fraction: "1.234" is 1234 (as "1.234.567" already was), flagged."""
    n = parse_printed("1.234", kind="count")
    assert n.value == 1234 and n.flags == ("thousands_separator",)
    assert parse_printed("1.234.567", kind="count").value == 1234567
    # not three digits after the point: no group, the number as printed
    assert parse_printed("12.5", kind="count").value == 12.5
    # a statistic keeps its decimal point
    assert parse_printed("1.234").value == 1.234


def test_overflowing_scientific_number_is_not_a_value():
    """"1e400" overflows to infinity; it is no printed value, not a silent inf."""
    p = parse_printed("1e400")
    assert p.value is None and p.flags == ("not_a_number",)
