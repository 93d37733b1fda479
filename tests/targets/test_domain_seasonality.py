"""Seasonality: 12 monthly weights, months sum to the year, quarters and year roll up from months."""

from decimal import Decimal as D

import pytest

from services.targets.domain.model import Method
from services.targets.domain.seasonality import quarter_of, roll_up_quarters, split_by_seasonality
from shared.errors import InvalidInput

# A Spring Festival peak: January and February weigh double.
SPRING_FESTIVAL = [D(2), D(2)] + [D(1)] * 10


def test_flat_profile_spreads_the_spare_units_over_the_earliest_months():
    # 1000 / 12 = 83.33; floors 83 * 12 = 996; 4 units left, all remainders tie at 1/3 and all
    # weights tie -> months 1..4 get 84. Quarters: 252, 250, 249, 249.
    result = split_by_seasonality(D(1000), [1] * 12, step=1)
    assert [result.month(m) for m in range(1, 13)] == [D(84)] * 4 + [D(83)] * 8
    assert result.quarters == (D(252), D(250), D(249), D(249))
    assert result.year == D(1000)


def test_spring_festival_peak():
    # weights 2,2,1*10 (sum 14). 1400 -> 200, 200, 100 * 10 exactly.
    result = split_by_seasonality(D(1400), SPRING_FESTIVAL, step=1)
    assert [a.value for a in result.months] == [D(200), D(200)] + [D(100)] * 10
    assert result.quarter(1) == D(500)
    assert result.months[0].explanation.method is Method.SEASONALITY
    assert result.months[0].explanation.share == D(2) / D(14)


def test_peak_months_take_the_spare_units_first():
    # 1000 over 2,2,1*10 (sum 14): Jan/Feb 142.86, others 71.43; floors 142*2 + 71*10 = 994, 6 left.
    # Remainders: Jan/Feb 0.857, others 0.429 -> Jan, Feb, then Mar..Jun (heavier first, then earlier).
    result = split_by_seasonality(D(1000), SPRING_FESTIVAL, step=1)
    assert [a.value for a in result.months] == [D(143), D(143)] + [D(72)] * 4 + [D(71)] * 6
    assert result.quarters == (D(358), D(216), D(213), D(213)) and result.year == D(1000)


def test_roll_up_uses_the_rounded_months_in_cents():
    # 100.00 over 12 equal months = 8.333...; in cents 10000 / 12 = 833.33 -> 4 months of 8.34, 8 of 8.33.
    result = split_by_seasonality(D("100.00"), [1] * 12, step=D("0.01"))
    assert result.quarters == (D("25.02"), D("25.00"), D("24.99"), D("24.99"))
    assert sum(result.quarters) == result.year == D("100.00")


def test_locked_month_is_kept():
    # December locked at 300; 900 left over 11 equal months = 81.82; floors 891, 9 spare -> Jan..Sep 82.
    result = split_by_seasonality(D(1200), [1] * 12, step=1, locked_months={12: D(300)})
    assert result.month(12) == D(300)
    assert [result.month(m) for m in range(1, 12)] == [D(82)] * 9 + [D(81)] * 2
    assert result.year == D(1200)


def test_quarter_helpers():
    assert [quarter_of(m) for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert roll_up_quarters([D(1)] * 12) == (D(3), D(3), D(3), D(3))


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        ([1] * 11, "profile"),
        ([1] * 13, "profile"),
        ("twelve chars", "profile"),
        ([1, 1, -1] + [1] * 9, "profile[3]"),
        ([0] * 12, "profile"),
        ([1] * 11 + [D("NaN")], "profile[12]"),
    ],
)
def test_bad_profiles_are_refused(profile, field):
    with pytest.raises(InvalidInput) as caught:
        split_by_seasonality(D(1200), profile, step=1)
    assert caught.value.field == field


def test_bad_locks_and_amounts_are_refused():
    with pytest.raises(InvalidInput) as caught:
        split_by_seasonality(D(1200), [1] * 12, step=1, locked_months={13: D(1)})
    assert caught.value.field == "locked_months[13]"
    with pytest.raises(InvalidInput) as caught:
        split_by_seasonality(D(1200), [1] * 12, step=1, locked_months={1: D(1300)})
    assert caught.value.field == "locked_months"
    with pytest.raises(InvalidInput) as caught:
        split_by_seasonality(D(1250), [1] * 12, step=D(100))
    assert caught.value.field == "parent"
