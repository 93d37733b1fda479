"""Checks recorded at check-out: duration against the policy minimum, opening hours, missing steps."""

from datetime import datetime, time, timedelta, timezone

import pytest

from services.visits.domain.checks import check_visit, is_open

CST = timezone(timedelta(hours=8))
HOURS = {d: [(time(8, 0), time(12, 0)), (time(14, 0), time(21, 0))] for d in range(1, 8)}  # closed for lunch


def at(h, m=0):
    return datetime(2026, 3, 16, h, m, tzinfo=CST)  # a Monday


def test_duration_is_check_out_minus_check_in_and_short_visits_are_flagged():
    checks = check_visit(
        check_in_at=at(9, 0),
        check_out_at=at(
            9,
            12,
        ),
        minimum_minutes=15,
        opening_hours=HOURS,
        required_steps=[],
        steps_done=[],
    )
    assert checks.duration_minutes == 12.0
    assert checks.too_short and checks.flags == ("too_short",)


def test_a_visit_ending_in_the_lunch_break_is_out_of_hours():
    checks = check_visit(
        check_in_at=at(11, 50),
        check_out_at=at(12, 10),
        minimum_minutes=15,
        opening_hours=HOURS,
        required_steps=[],
        steps_done=[],
    )
    assert checks.out_of_hours and not checks.too_short


def test_missing_steps_are_the_required_ones_not_done_in_step_order():
    checks = check_visit(
        check_in_at=at(9),
        check_out_at=at(9, 30),
        minimum_minutes=15,
        opening_hours=None,
        required_steps=["order", "stock_check", "display"],
        steps_done=["display", "feedback"],
    )
    assert checks.missing_steps == ("stock_check", "order")
    assert checks.flags == ("missing_steps",)


def test_unknown_opening_hours_count_as_open_and_a_missing_day_as_closed():
    assert is_open(None, at(3))
    assert not is_open({2: [(time(8), time(20))]}, at(10))  # Monday not listed


def test_check_out_before_check_in_is_refused():
    with pytest.raises(ValueError):
        check_visit(
            check_in_at=at(10),
            check_out_at=at(9),
            minimum_minutes=0,
            opening_hours=None,
            required_steps=[],
            steps_done=[],
        )
