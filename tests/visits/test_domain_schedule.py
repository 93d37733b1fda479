"""Schedule rules: frequency by grade, the rhythm across weeks, holidays and leave.

Weeks count from Monday 1 Jan 2024: to Monday 2 Mar 2026 is 366 + 365 + 60 = 791 days = week 113, so the
Mondays of March 2026 (2, 9, 16, 23, 30) are weeks 113-117.
"""

import uuid
from datetime import date
from typing import TypedDict

import pytest

from services.visits.domain.schedule import RouteStop, generate, week_number

REP = uuid.UUID(int=1)
A, B1, C, B3, T = (uuid.UUID(int=i) for i in (10, 11, 12, 13, 14))
MONDAY_ROUTE = [
    RouteStop(REP, 1, 0, A, "A"),
    RouteStop(REP, 1, 1, B1, "B"),
    RouteStop(REP, 1, 2, C, "C"),
    RouteStop(REP, 1, 3, B3, "B"),
]
TUESDAY_ROUTE = [RouteStop(REP, 2, 0, T, "D")]


class Period(TypedDict):
    start: date
    end: date


MARCH = Period(start=date(2026, 3, 1), end=date(2026, 3, 31))


def days(planned, outlet):
    return [v.planned_on.day for v in planned if v.outlet_id == outlet]


def test_week_numbers_count_from_the_anchor_monday():
    assert week_number(date(2026, 3, 2)) == 113
    assert week_number(date(2026, 3, 8)) == 113  # Sunday, same week


def test_frequency_follows_the_grade():
    planned, missed = generate(MONDAY_ROUTE, **MARCH)
    assert days(planned, A) == [2, 9, 16, 23, 30]  # weekly
    assert days(planned, B1) == [2, 16, 30]  # fortnightly: (w + 1) % 2 == 0 -> odd weeks 113, 115, 117
    assert days(planned, C) == [9]  # monthly: (w + 2) % 4 == 0 -> week 114
    assert days(planned, B3) == [2, 16, 30]  # (w + 3) % 2 == 0 -> odd weeks
    assert len(planned) == 12 and missed == []


def test_the_rhythm_continues_into_the_next_period():
    # C is due every 4 weeks from week 114 (9 Mar): week 118 is Monday 6 April.
    planned, _ = generate(MONDAY_ROUTE, start=date(2026, 4, 1), end=date(2026, 4, 30))
    assert days(planned, C) == [6]


def test_policy_intervals_can_be_configured():
    planned, _ = generate(MONDAY_ROUTE, **MARCH, interval_weeks={"C": 1})
    assert days(planned, C) == [2, 9, 16, 23, 30]


def test_a_holiday_moves_due_visits_to_the_next_working_day():
    planned, missed = generate(MONDAY_ROUTE + TUESDAY_ROUTE, **MARCH, holidays=[date(2026, 3, 16)])
    # A, B1 and B3 were due on Monday 16; the rep works Tuesdays, so they move to the 17th
    assert days(planned, A) == [2, 9, 17, 23, 30]
    moved = [v for v in planned if v.moved_from == date(2026, 3, 16)]
    assert sorted(v.outlet_id.int for v in moved) == [10, 11, 13]
    assert all(v.planned_on == date(2026, 3, 17) for v in moved)
    assert missed == []


def test_leave_moves_what_it_can_and_reports_the_rest():
    leave = {REP: [date(2026, 3, d) for d in range(9, 14)]}  # Mon 9 - Fri 13
    planned, missed = generate(MONDAY_ROUTE + TUESDAY_ROUTE, **MARCH, leave=leave)
    # C due 9 Mar may move until its next due day (6 Apr): first working day after the leave is Monday 16
    assert days(planned, C) == [16]
    # A due 9 Mar must be visited before 16 Mar; Tuesday 10 is leave too, so it is not placed
    assert days(planned, A) == [2, 16, 23, 30]
    assert [(m.outlet_id, m.due_on, m.reason.split(",")[0]) for m in missed] == [(A, date(2026, 3, 9), "leave")]


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        generate(MONDAY_ROUTE, start=date(2026, 3, 31), end=date(2026, 3, 1))
