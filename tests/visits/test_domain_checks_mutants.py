"""Visit checks at their edges: a zero-length visit, a visit of exactly the minimum, windows' own ends."""

from datetime import datetime, time, timedelta, timezone

from services.visits.domain.checks import check_visit, is_open

CST = timezone(timedelta(hours=8))
HOURS = {d: [(time(8, 0), time(12, 0))] for d in range(1, 8)}


def at(h, m=0, s=0):
    return datetime(2026, 3, 16, h, m, s, tzinfo=CST)  # a Monday


def checks(check_in, check_out, minimum=15):
    return check_visit(
        check_in_at=check_in,
        check_out_at=check_out,
        minimum_minutes=minimum,
        opening_hours=HOURS,
        required_steps=[],
        steps_done=[],
    )


def test_a_visit_of_exactly_the_minimum_is_not_short():
    assert not checks(at(9), at(9, 15)).too_short


def test_checking_out_the_moment_one_checked_in_is_a_visit_of_no_time():
    done = checks(at(9), at(9))
    assert (done.duration_minutes, done.too_short) == (0.0, True)


def test_the_duration_is_kept_to_two_decimals():
    # 12 min 20 s = 12.333... min -> 12.33
    assert checks(at(9), at(9, 12, 20)).duration_minutes == 12.33


def test_opening_and_closing_minutes_are_inside_the_window():
    assert is_open(HOURS, at(8)) and is_open(HOURS, at(12))
    assert not is_open(HOURS, at(7, 59)) and not is_open(HOURS, at(12, 1))
