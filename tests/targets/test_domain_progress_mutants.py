"""Quarter labels, the calendar-day fallback of a month without selling days, and progress at its edges."""

from datetime import date, timedelta
from decimal import Decimal as D
from fractions import Fraction

import pytest

from services.targets.domain.calendar import SellingCalendar
from services.targets.domain.progress import (
    Period,
    Status,
    achievement,
    competition_ranks,
    elapsed_until,
    measure,
    month_weight,
    periods_containing,
    resolve_period,
    roll_up,
    rounded,
    status_of,
)
from shared.errors import InvalidInput


@pytest.mark.parametrize(
    "day, labels",
    [
        (date(2026, 1, 1), ["2026-01", "2026-Q1", "2026"]),
        (date(2026, 3, 31), ["2026-03", "2026-Q1", "2026"]),
        (date(2026, 4, 1), ["2026-04", "2026-Q2", "2026"]),
        (date(2026, 6, 30), ["2026-06", "2026-Q2", "2026"]),
        (date(2026, 7, 1), ["2026-07", "2026-Q3", "2026"]),
        (date(2026, 9, 30), ["2026-09", "2026-Q3", "2026"]),
        (date(2026, 10, 1), ["2026-10", "2026-Q4", "2026"]),
        (date(2026, 12, 31), ["2026-12", "2026-Q4", "2026"]),
    ],
)
def test_a_day_lies_in_its_month_its_quarter_and_its_year(day, labels):
    periods = periods_containing(2026, day)
    assert [p.label for p in periods] == labels
    assert all(p.contains(day) for p in periods)


@pytest.mark.parametrize(
    "label, start, end",
    [
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("2026-01", date(2026, 1, 1), date(2026, 1, 31)),
    ],
)
def test_quarter_and_month_bounds(label, start, end):
    assert resolve_period(2026, label, None, None) == Period(label, start, end)


def test_a_period_contains_its_first_and_last_day_only():
    march = resolve_period(2026, "2026-03", None, None)
    assert march.contains(date(2026, 3, 1)) and march.contains(date(2026, 3, 31))
    assert not march.contains(date(2026, 2, 28)) and not march.contains(date(2026, 4, 1))


@pytest.mark.parametrize(
    "date_from, date_to, field",
    [
        (None, date(2026, 3, 5), "date_from"),
        (date(2026, 12, 30), date(2027, 1, 5), "date_from"),  # ends in the next fiscal year
    ],
)
def test_bad_ranges_name_the_field(date_from, date_to, field):
    with pytest.raises(InvalidInput) as refused:
        resolve_period(2026, None, date_from, date_to)
    assert refused.value.field == field


def test_a_one_day_range_is_a_period():
    assert resolve_period(2026, None, date(2026, 3, 5), date(2026, 3, 5)).end == date(2026, 3, 5)


FEBRUARY = [date(2026, 2, 1) + timedelta(days=n) for n in range(28)]
CLOSED_FEBRUARY = SellingCalendar(exceptions=dict.fromkeys(FEBRUARY, False))


def test_a_month_without_selling_days_is_weighed_by_calendar_days():
    # February 2026 closed throughout: 1-14 February is 14 of its 28 days, 10-16 February 7 of 28.
    assert month_weight(CLOSED_FEBRUARY, date(2026, 2, 1), date(2026, 2, 14)) == Fraction(1, 2)
    assert month_weight(CLOSED_FEBRUARY, date(2026, 2, 10), date(2026, 2, 16)) == Fraction(1, 4)


def test_the_second_half_of_march_holds_twelve_of_its_twenty_two_selling_days():
    # March 2026 starts on a Sunday: weekdays 16-20, 23-27, 30-31 = 12 of 22.
    assert month_weight(SellingCalendar(), date(2026, 3, 16), date(2026, 3, 31)) == Fraction(12, 22)


def test_a_period_without_selling_days_is_0_before_its_end_and_1_after():
    before = measure(D("100"), D("0"), selling_days=0, elapsed_selling_days=0, period_over=False)
    after = measure(D("100"), D("0"), selling_days=0, elapsed_selling_days=0, period_over=True)
    assert (before.time_progress, after.time_progress) == (D("0.0000"), D("1.0000"))
    assert (before.required_daily_run_rate, before.run_rate_forecast) == (None, None)
    assert (before.status, after.status) == (Status.on_track, Status.behind)  # 0 of 100 with all time gone


@pytest.mark.parametrize("elapsed", [-1, 21])
def test_elapsed_days_outside_the_period_are_a_bug(elapsed):
    with pytest.raises(ValueError, match="elapsed selling days"):
        measure(D("100"), D("0"), selling_days=20, elapsed_selling_days=elapsed, period_over=False)


def test_one_elapsed_day_forecasts_the_whole_period():
    # 50 sold on the first of 20 days -> 50 x 20 = 1000; 19 days remain for the other 50: 2.63 a day
    p = measure(D("100"), D("50"), selling_days=20, elapsed_selling_days=1, period_over=False)
    assert (p.run_rate_forecast, p.required_daily_run_rate, p.time_progress) == (D("1000.00"), D("2.63"), D("0.0500"))


def test_exactly_on_the_margin_is_on_track_both_ways():
    # time progress 1/2, margin 0.05: 0.45 and 0.55 are on the edges, still on track
    assert status_of(Fraction(45, 100), Fraction(1, 2), D("0.05"), D(1)) is Status.on_track
    assert status_of(Fraction(55, 100), Fraction(1, 2), D("0.05"), D(1)) is Status.on_track
    assert status_of(Fraction(56, 100), Fraction(1, 2), D("0.05"), D(1)) is Status.ahead


def test_the_first_day_of_a_period_counts_as_elapsed():
    # figures are "as of the end of that day": on 1 March, 1 March's actuals count; on 28 February nothing does
    march = resolve_period(2026, "2026-03", None, None)
    assert elapsed_until(march, date(2026, 3, 1)) == date(2026, 3, 1)
    assert elapsed_until(march, date(2026, 2, 28)) is None


@pytest.mark.parametrize(("date_from", "date_to"), [(date(2026, 3, 1), None), (None, date(2026, 3, 31))])
def test_a_period_with_either_date_is_refused_as_both(date_from, date_to):
    with pytest.raises(InvalidInput) as caught:
        resolve_period(2026, "2026-03", date_from, date_to)
    assert caught.value.field == "period"


def test_a_target_of_one_has_a_rate():
    # 0.5 sold of a target of 1 is 50 %
    assert achievement(D(1), D("0.5")) == Fraction(1, 2)


def test_without_a_target_one_sale_is_ahead():
    assert status_of(None, Fraction(1, 2), D("0.05"), D(1)) is Status.ahead
    assert status_of(None, Fraction(1, 2), D("0.05"), D(0)) is Status.on_track


def test_half_a_cent_rounds_up_to_a_cent():
    # half away from zero: 0.005 -> 0.01, -0.005 -> -0.01
    assert rounded(Fraction(1, 200), D("0.01")) == D("0.01")
    assert rounded(Fraction(-1, 200), D("0.01")) == D("-0.01")


def test_a_zero_rate_ranks_below_every_positive_rate():
    # a sold nothing of its target (0 %), b half of its (50 %), c has no target: b 1, a 2, c last
    assert competition_ranks({"a": Fraction(0), "b": Fraction(1, 2), "c": None}) == {"b": 1, "a": 2, "c": 3}


def test_roll_up_reaches_the_last_listed_node():
    # a chain root(0) <- a(1) <- b(2) <- c(3), own 1, 10, 100, 1000: each node holds itself and all below it
    assert roll_up([-1, 0, 1, 2], [D(1), D(10), D(100), D(1000)]) == [D(1111), D(1110), D(1100), D(1000)]
