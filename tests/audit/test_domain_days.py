"""Audit works with days from 2000-01-01 to 2099-12-31; both ends are inside, the days beyond them are refused."""

from datetime import date

import pytest

from services.audit.domain.days import supported
from shared.errors import InvalidInput


@pytest.mark.parametrize("day", [date(2000, 1, 1), date(2099, 12, 31), date(2026, 6, 15)])
def test_the_first_and_last_supported_days_are_inside(day):
    assert supported(day, "period_start") == day


@pytest.mark.parametrize("day", [date(1999, 12, 31), date(2100, 1, 1), date(1, 1, 1), date(9999, 12, 31)])
def test_a_day_outside_2000_to_2099_is_a_422_naming_the_field(day):
    with pytest.raises(InvalidInput) as refused:
        supported(day, "period_start")
    assert refused.value.field == "period_start"
    assert "2000-01-01" in refused.value.detail and "2099-12-31" in refused.value.detail


def test_no_day_is_no_day():
    assert supported(None, "period_end") is None
