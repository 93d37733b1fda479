"""Progress figures by hand: time progress, gap, run-rate, forecast, status, periods, ranks and roll-up."""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest

from services.targets.domain.calendar import SellingCalendar
from services.targets.domain.progress import (
    Period,
    Status,
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


def march(actual: str, elapsed: int = 10):
    # March 2026: 22 selling days; as of Fri 13 March, 10 have elapsed.
    return measure(D("22000.00"), D(actual), selling_days=22, elapsed_selling_days=elapsed, period_over=False)


def test_behind_with_every_figure_worked_by_hand():
    p = march("8000.00")
    assert p.achievement_rate == D("0.3636")  # 8000 / 22000 = 0.363636...
    assert p.time_progress == D("0.4545")  # 10 / 22 = 0.454545...
    assert p.gap == D("14000.00")  # 22000 - 8000
    assert p.remaining_selling_days == 12  # 22 - 10
    assert p.required_daily_run_rate == D("1166.67")  # 14000 / 12 = 1166.666...
    assert p.run_rate_forecast == D("17600.00")  # 8000 / 10 x 22
    assert p.status is Status.behind  # 0.3636 < 0.4545 - 0.05 = 0.4045


def test_on_track_inside_the_margin():
    # 9000 / 22000 = 0.40909 > 0.40454 (= 10/22 - 0.05), and below 0.50454: on track.
    assert march("9000.00").status is Status.on_track


def test_ahead_beyond_the_margin():
    # 11200 / 22000 = 0.50909 > 0.50454 (= 10/22 + 0.05).
    assert march("11200.00").status is Status.ahead


def test_exceeded_target_needs_no_run_rate():
    p = march("23000.00")
    assert (p.gap, p.required_daily_run_rate, p.achievement_rate) == (D("-1000.00"), D("0.00"), D("1.0455"))


def test_before_the_first_selling_day_there_is_no_forecast():
    p = measure(D("100"), D("0"), selling_days=20, elapsed_selling_days=0, period_over=False)
    assert (p.time_progress, p.run_rate_forecast, p.required_daily_run_rate) == (D("0.0000"), None, D("5.00"))
    assert p.status is Status.on_track  # 0 is not below 0 - 0.05


def test_at_the_period_end_no_days_remain():
    p = measure(D("100"), D("90"), selling_days=20, elapsed_selling_days=20, period_over=True)
    assert (p.remaining_selling_days, p.required_daily_run_rate, p.run_rate_forecast) == (0, None, D("90.00"))
    assert p.status is Status.behind  # 0.90 < 1 - 0.05


def test_zero_target_has_no_rate_and_is_ahead_once_anything_sells():
    assert measure(D(0), D(5), selling_days=20, elapsed_selling_days=5, period_over=False).status is Status.ahead
    idle = measure(D(0), D(0), selling_days=20, elapsed_selling_days=5, period_over=False)
    assert (idle.achievement_rate, idle.status) == (None, Status.on_track)


def test_custom_margin():
    # 0.40 vs time progress 0.50: behind with 5 points of margin, on track with 10 points (0.40 = 0.50 - 0.10).
    assert status_of(Fraction(2, 5), Fraction(1, 2), D("0.05"), D(1)) is Status.behind
    assert status_of(Fraction(2, 5), Fraction(1, 2), D("0.10"), D(1)) is Status.on_track


def test_rounding_is_half_away_from_zero():
    assert rounded(Fraction(1, 8), D("0.01")) == D("0.13")
    assert rounded(Fraction(-1, 8), D("0.01")) == D("-0.13")


@pytest.mark.parametrize(
    "label,start,end",
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ],
)
def test_periods(label, start, end):
    assert resolve_period(2026, label, None, None) == Period(label, start, end)


def test_default_period_is_the_fiscal_year_and_ranges_are_allowed():
    assert resolve_period(2026, None, None, None).label == "2026"
    assert resolve_period(2026, None, date(2026, 3, 5), date(2026, 3, 20)) == Period(
        "2026-03-05..2026-03-20", date(2026, 3, 5), date(2026, 3, 20)
    )


@pytest.mark.parametrize(
    "period,date_from,date_to,field",
    [
        ("2025-03", None, None, "period"),
        ("2026-13", None, None, "period"),
        ("2026-03", date(2026, 3, 1), date(2026, 3, 2), "period"),
        (None, date(2026, 3, 1), None, "date_to"),
        (None, date(2026, 3, 5), date(2026, 3, 1), "date_to"),
        (None, date(2025, 12, 30), date(2026, 1, 5), "date_from"),
    ],
)
def test_bad_periods_are_refused(period, date_from, date_to, field):
    with pytest.raises(InvalidInput) as refused:
        resolve_period(2026, period, date_from, date_to)
    assert refused.value.field == field


def test_periods_containing_a_day():
    assert [p.label for p in periods_containing(2026, date(2026, 5, 7))] == ["2026-05", "2026-Q2", "2026"]


def test_elapsed_until():
    march_period = resolve_period(2026, "2026-03", None, None)
    assert elapsed_until(march_period, date(2026, 2, 27)) is None
    assert elapsed_until(march_period, date(2026, 3, 13)) == date(2026, 3, 13)
    assert elapsed_until(march_period, date(2026, 6, 1)) == date(2026, 3, 31)


def test_month_weight_by_selling_days():
    # 1-13 March holds 10 of March's 22 selling days.
    assert month_weight(SellingCalendar(), date(2026, 3, 1), date(2026, 3, 13)) == Fraction(10, 22)


def test_competition_ranks_share_ties_and_put_no_target_last():
    ranks = competition_ranks({"a": Fraction(1, 2), "b": Fraction(3, 4), "c": Fraction(1, 2), "d": None})
    assert ranks == {"b": 1, "a": 2, "c": 2, "d": 4}


def test_roll_up_adds_every_descendant():
    # root(0) -> x(1) -> x1(2); root -> y(3); a second root z(4). Own values 1, 0, 5, 3, 100.
    totals = roll_up([-1, 0, 1, 0, -1], [D(1), D(0), D(5), D(3), D(100)])
    # root = 1 + x (0 + x1 5) + y 3 = 9; x = 5; z stays alone.
    assert totals == [D(9), D(5), D(5), D(3), D(100)]
