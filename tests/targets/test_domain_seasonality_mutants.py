"""Seasonality: quarters sum their own three months; months 0 and 13 do not exist."""

from decimal import Decimal as D

import pytest

from services.targets.domain.seasonality import roll_up_quarters, split_by_seasonality
from shared.errors import InvalidInput


def test_each_quarter_sums_exactly_its_own_months():
    # months valued 1..12: Q1 = 1+2+3 = 6, Q2 = 4+5+6 = 15, Q3 = 7+8+9 = 24, Q4 = 10+11+12 = 33
    assert roll_up_quarters([D(m) for m in range(1, 13)]) == (D(6), D(15), D(24), D(33))


def test_a_profile_weighted_by_month_number_rolls_up_to_the_same_quarters():
    # weights 1..12 sum to 78; a year of 78 gives each month its number
    split = split_by_seasonality(D(78), list(range(1, 13)), step=D(1))
    assert [split.month(m) for m in range(1, 13)] == [D(m) for m in range(1, 13)]
    assert [split.quarter(q) for q in range(1, 5)] == [D(6), D(15), D(24), D(33)]
    assert split.year == D(78)


@pytest.mark.parametrize("month", [0, 13])
def test_a_lock_on_a_month_that_does_not_exist_is_refused(month):
    with pytest.raises(InvalidInput) as refused:
        split_by_seasonality(D(1200), [1] * 12, step=D(1), locked_months={month: D(100)})
    assert refused.value.field == f"locked_months[{month}]"
