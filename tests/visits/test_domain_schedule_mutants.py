"""Schedule edges: a one-day period, the two-monthly rhythm, moves onto the period's last day, no move onto the
next due day, and moved visits after the day's regular ones. Weeks as in test_domain_schedule: Monday 2 March
2026 is week 113."""

import uuid
from datetime import date

from services.visits.domain.schedule import RouteStop, generate
from tests.visits.test_domain_schedule import B1, B3, MONDAY_ROUTE, REP, A, C, T

MARCH_START, MARCH_END = date(2026, 3, 1), date(2026, 3, 31)


def days(planned, outlet):
    return [v.planned_on for v in planned if v.outlet_id == outlet]


def test_a_one_day_period_plans_that_day():
    planned, missed = generate(MONDAY_ROUTE, start=date(2026, 3, 2), end=date(2026, 3, 2))
    assert [v.outlet_id for v in planned] == [A, B1, B3]  # C is due in week 114 only
    assert missed == []


def test_grade_d_comes_every_eight_weeks():
    # T on Tuesdays at position 0: due when the week is a multiple of 8: week 120 (21 April), week 128 (16 June)
    planned, _ = generate([RouteStop(REP, 2, 0, T, "D")], start=date(2026, 3, 1), end=date(2026, 6, 30))
    assert days(planned, T) == [date(2026, 4, 21), date(2026, 6, 16)]


def test_a_visit_due_on_a_holiday_may_move_to_the_periods_last_day():
    tuesdays = [RouteStop(REP, 2, 0, T, "A")]
    planned, missed = generate(MONDAY_ROUTE + tuesdays, start=MARCH_START, end=MARCH_END, holidays=[date(2026, 3, 30)])
    assert days(planned, A)[-1] == date(2026, 3, 31)
    assert missed == []


def test_a_weekly_visit_cannot_move_onto_its_next_due_day():
    # Mondays only: after the holiday on 16 March the next working day is Monday 23, when A is due again
    planned, missed = generate(MONDAY_ROUTE, start=MARCH_START, end=MARCH_END, holidays=[date(2026, 3, 16)])
    assert days(planned, A) == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 23), date(2026, 3, 30)]
    assert [(m.outlet_id, m.reason) for m in missed if m.outlet_id == A] == [
        (A, "holiday, no working day before next due")
    ]


def test_moved_visits_come_after_the_days_own_visits():
    tuesdays = [RouteStop(REP, 2, 0, T, "A")]
    planned, _ = generate(MONDAY_ROUTE + tuesdays, start=MARCH_START, end=MARCH_END, holidays=[date(2026, 3, 16)])
    on_17th = [(v.outlet_id, v.moved_from) for v in planned if v.planned_on == date(2026, 3, 17)]
    moved = date(2026, 3, 16)
    assert on_17th == [(T, None), (A, moved), (B1, moved), (B3, moved)]


def test_a_visit_moves_forward_to_the_next_route_day_and_nothing_is_planned_after_the_period():
    # One week, Monday 2 to Sunday 8 March, weekly outlets on Monday (A), Tuesday (T) and Thursday (U).
    # Tuesday 3 is a holiday: T moves forward (never back to Monday 2), past Wednesday 4 (no route that day) to
    # Thursday 5, after U's own visit. Monday 9, A's next due day, lies outside the period.
    u = uuid.UUID(int=15)
    stops = [RouteStop(REP, 1, 0, A, "A"), RouteStop(REP, 2, 0, T, "A"), RouteStop(REP, 4, 0, u, "A")]
    planned, missed = generate(stops, start=date(2026, 3, 2), end=date(2026, 3, 8), holidays=[date(2026, 3, 3)])
    assert [(v.outlet_id, v.planned_on, v.moved_from) for v in planned] == [
        (A, date(2026, 3, 2), None),
        (u, date(2026, 3, 5), None),
        (T, date(2026, 3, 5), date(2026, 3, 3)),
    ]
    assert missed == []


def test_a_monthly_outlet_at_position_one_is_due_when_week_plus_one_divides_by_four():
    # March 2026's Mondays are weeks 113-117; (w + 1) % 4 == 0 only for week 115: Monday 16 March.
    planned, _ = generate([RouteStop(REP, 1, 1, C, "C")], start=MARCH_START, end=MARCH_END)
    assert days(planned, C) == [date(2026, 3, 16)]
