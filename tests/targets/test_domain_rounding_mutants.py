"""Edges of the largest-remainder helpers that the split tests do not reach."""

from fractions import Fraction

import pytest

from services.targets.domain.rounding import integer_weights, round_to_total


def test_integer_weights_divide_out_a_common_factor_of_two():
    # 2 : 4 : 6 is 1 : 2 : 3; halves and a whole: 1/2 : 1 : 3/2 -> x2 -> 1 : 2 : 3
    assert integer_weights([2, 4, 6]) == [1, 2, 3]
    assert integer_weights([Fraction(1, 2), 1, Fraction(3, 2)]) == [1, 2, 3]
    assert integer_weights([3, 5]) == [3, 5]


@pytest.mark.parametrize(
    "raw, total",
    [
        ([Fraction(1), Fraction(1)], 5),  # floors 2, 3 left over for 2 parts: more than one each
        ([Fraction(3), Fraction(3)], 5),  # floors 6 already exceed 5
    ],
)
def test_round_to_total_refuses_amounts_that_do_not_add_up(raw, total):
    with pytest.raises(ValueError, match="do not add up"):
        round_to_total(raw, total, [0, 1])


def test_round_to_total_gives_the_leftover_to_the_largest_remainders():
    # 1.5 + 2.25 + 1.25 = 5: floors 1 + 2 + 1 = 4, one unit left for the largest remainder (0.5, the first)
    assert round_to_total([Fraction(3, 2), Fraction(9, 4), Fraction(5, 4)], 5, [0, 1, 2]) == [2, 2, 1]
