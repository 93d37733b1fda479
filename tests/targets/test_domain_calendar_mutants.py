"""Calendar edges: weekend days 1 and 7 are valid, 0 and 8 are not; a block of a single day."""

from datetime import date

import pytest

from services.targets.domain.calendar import check_weekend_days, month_blocks
from shared.errors import InvalidInput


def test_monday_and_sunday_are_valid_weekend_days():
    assert check_weekend_days([1, 7]) == frozenset({1, 7})


@pytest.mark.parametrize("day", [0, 8])
def test_days_outside_monday_to_sunday_are_refused(day):
    with pytest.raises(InvalidInput) as refused:
        check_weekend_days([day])
    assert refused.value.field == "weekend_days"


def test_a_range_of_one_day_is_one_leftover_block():
    assert month_blocks(date(2026, 3, 31), date(2026, 3, 31)) == ([], [(date(2026, 3, 31), date(2026, 3, 31))])
    # a range ending on the first day of a month keeps that day
    assert month_blocks(date(2026, 3, 1), date(2026, 4, 1)) == (
        [date(2026, 3, 1)],
        [(date(2026, 4, 1), date(2026, 4, 1))],
    )
