"""Schedule edges: a one-day period, the two-monthly rhythm, moves onto the period's last day, no move onto the
next due day, and moved visits after the day's regular ones. Weeks as in test_domain_schedule: Monday 2 March
2026 is week 113."""

from datetime import date

from services.visits.domain.schedule import RouteStop, generate
from tests.visits.test_domain_schedule import B1, B3, MONDAY_ROUTE, REP, A, T

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
