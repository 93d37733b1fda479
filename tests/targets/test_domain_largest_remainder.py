"""Largest-remainder rounding in whole steps: steps 1, 100 and 0.01, ties, the fast path, refusals."""

from decimal import Decimal as D

import pytest

from services.targets.domain.decomposition import Child, SplitRequest, decompose
from services.targets.domain.rounding import (
    check_step,
    from_units,
    integer_weights,
    split_amount,
    split_units,
    tie_order,
    to_units,
)
from shared.errors import InvalidInput


def values(allocations):
    return [a.value for a in allocations]


def three(parent, step):
    return values(decompose(SplitRequest(parent=parent, children=[Child("a"), Child("b"), Child("c")], step=step)))


def test_step_of_one():
    # 1000 / 3 = 333.33 -> 334 / 333 / 333 (the spare unit to the smallest key).
    assert three(D(1000), D(1)) == [D(334), D(333), D(333)]


def test_step_of_a_hundred():
    # 1000 = 10 hundreds; 10 / 3 = 3.33 -> 4 / 3 / 3 hundreds -> 400 / 300 / 300.
    assert three(D(1000), D(100)) == [D(400), D(300), D(300)]


def test_step_of_a_cent():
    # 10.00 = 1000 cents -> 334 / 333 / 333 cents -> 3.34 / 3.33 / 3.33.
    result = three(D("10.00"), D("0.01"))
    assert result == [D("3.34"), D("3.33"), D("3.33")]
    assert [str(v) for v in result] == ["3.34", "3.33", "3.33"]


def test_step_of_five_cents():
    # 1.00 = 20 steps of 0.05; 20 / 3 = 6.67 -> 7 / 7 / 6 steps -> 0.35 / 0.35 / 0.30.
    assert three(D("1.00"), D("0.05")) == [D("0.35"), D("0.35"), D("0.30")]


def test_equal_remainders_go_to_the_larger_weight_first():
    # 2 units over weights 1:3 -> 0.5 / 1.5; floors 0 + 1, one unit left, remainders tie at 0.5 -> the weight 3 wins.
    assert split_units(2, [1, 3]) == [0, 2]
    # equal weights and equal remainders: the first in tie order (here the index) wins.
    assert split_units(1, [1, 1]) == [1, 0]
    assert split_units(1, [1, 1], order=[1, 0]) == [0, 1]


def test_largest_remainder_beats_rounding_each_part():
    # 100 over 1:1:1:1:1:1 = 16.67 each; rounding each would give 17 * 6 = 102. Floors 96, 4 left -> the first 4.
    assert split_units(100, [1] * 6) == [17, 17, 17, 17, 16, 16]


def test_tie_order_is_heavier_first_then_key():
    assert tie_order([1, 3, 3], ["c", "b", "a"]) == [2, 1, 0]


def test_fast_path_split_amount():
    # 0.10 over 1:1:1 in cents -> 4 / 3 / 3 cents.
    assert split_amount(D("0.10"), [D(1), D(1), D(1)], step=D("0.01")) == [D("0.04"), D("0.03"), D("0.03")]
    # decimal weights are exact: 0.1 + 0.2 = 0.3 with no float drift -> 1 : 2 -> 100 / 200.
    assert split_amount(300, [D("0.1"), D("0.2")], step=1) == [D(100), D(200)]


def test_units_round_trip_exactly():
    assert to_units(D("1234.56"), D("0.01"), field="x") == 123456
    assert from_units(123456, D("0.01")) == D("1234.56")
    assert str(from_units(12, D(100))) == "1200"
    assert from_units(10**30 + 1, D("0.01")) == D("10000000000000000000000000000.01")
    assert integer_weights([D("0.5"), D("0.25"), D(1)]) == [2, 1, 4]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: split_amount(D(10), [], step=1), "weights"),
        (lambda: split_amount(D(10), [D(0), D(0)], step=1), "weights"),
        (lambda: split_amount(D(10), [D(1), D(-1)], step=1), "weights[1]"),
        (lambda: split_amount(D(10), [D(1)], step=D("0.0")), "step"),
        (lambda: split_amount(D(10), [D(1)], step=D("Infinity")), "step"),
        (lambda: split_amount(D("0.5"), [D(1)], step=1), "parent"),
        (lambda: split_amount(D(-1), [D(1)], step=1), "parent"),
        (lambda: split_amount(D(1), [1.5], step=1), "weights[0]"),
        (lambda: split_amount(True, [D(1)], step=1), "parent"),
        (lambda: check_step(None), "step"),
    ],
)
def test_fast_path_refusals(call, field):
    with pytest.raises(InvalidInput) as caught:
        call()
    assert caught.value.field == field
