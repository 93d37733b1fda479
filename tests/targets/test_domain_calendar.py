"""Selling days with weekends, holidays and make-up working days; cutting a range into months and odd days."""

from datetime import date

import pytest

from services.targets.domain.calendar import SellingCalendar, check_weekend_days, month_blocks
from shared.errors import InvalidInput

# Spring Festival 2026 (Feb 17 is New Year's day): Mon 16 .. Fri 20 and Mon 23 off; Sat 14 and Sat 28 are
# make-up working days (调休).
SPRING_FESTIVAL = {
    **{date(2026, 2, d): False for d in (16, 17, 18, 19, 20, 23)},
    date(2026, 2, 14): True,
    date(2026, 2, 28): True,
}
CHINA = SellingCalendar(exceptions=SPRING_FESTIVAL)


def test_plain_month_counts_weekdays_only():
    # March 2026 starts on a Sunday: weekdays 2-6, 9-13, 16-20, 23-27, 30-31 = 5+5+5+5+2 = 22.
    assert SellingCalendar().selling_days(date(2026, 3, 1), date(2026, 3, 31)) == 22


def test_holidays_drop_out_and_make_up_days_count():
    # February 2026 has 20 weekdays; minus 6 holiday weekdays = 14; plus Sat 14 and Sat 28 = 16.
    assert CHINA.selling_days(date(2026, 2, 1), date(2026, 2, 28)) == 16
    # Up to Wed 18: weekdays 2-6 and 9-13 (10) + make-up Sat 14 (1); 16-18 are holidays = 11.
    assert CHINA.selling_days(date(2026, 2, 1), date(2026, 2, 18)) == 11
    assert not CHINA.is_selling_day(date(2026, 2, 17))
    assert CHINA.is_selling_day(date(2026, 2, 14))


def test_six_day_week():
    # Only Sunday off: March 2026 has 31 days and 5 Sundays (1, 8, 15, 22, 29) -> 26.
    assert SellingCalendar(weekend_days=frozenset({7})).selling_days(date(2026, 3, 1), date(2026, 3, 31)) == 26


def test_empty_range_has_no_selling_days():
    assert SellingCalendar().selling_days(date(2026, 3, 10), date(2026, 3, 9)) == 0


@pytest.mark.parametrize("days", [[0], [8], [6, 6], [1, 2, 3, 4, 5, 6, 7]])
def test_weekend_days_are_checked(days):
    with pytest.raises(InvalidInput) as refused:
        check_weekend_days(days)
    assert refused.value.field == "weekend_days"


def test_month_blocks_use_whole_months_and_odd_days():
    months, ranges = month_blocks(date(2026, 2, 10), date(2026, 4, 15))
    assert months == [date(2026, 3, 1)]
    assert ranges == [(date(2026, 2, 10), date(2026, 2, 28)), (date(2026, 4, 1), date(2026, 4, 15))]


def test_month_blocks_of_a_year_are_twelve_months():
    months, ranges = month_blocks(date(2026, 1, 1), date(2026, 12, 31))
    assert months == [date(2026, m, 1) for m in range(1, 13)] and ranges == []
