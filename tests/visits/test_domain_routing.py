"""Route optimisation: the order, legs and arrival times; opening hours; the fallback."""

import time

from services.visits.domain.geo import Position
from services.visits.domain.routing import Stop, _matrix, fallback, optimise

START = Position(30.0, 120.0)
# Three outlets due north of the start, 0.01 deg apart (0.01 x 111 195 = 1112 m each).
NORTH = [Stop(f"n{i}", Position(30.0 + 0.01 * i, 120.0)) for i in (3, 1, 2)]


def test_points_on_a_line_are_visited_outwards():
    tour = optimise(START, NORTH, start_minute=480, speed_kmh=30, budget_s=0.5)
    assert [p.key for p in tour.stops] == ["n1", "n2", "n3"]
    assert [p.leg_m for p in tour.stops] == [1112, 1112, 1112]
    # 1112 m at 30 km/h = 2.2 min -> rounded to 2 min per leg from 08:00
    assert [p.arrival for p in tour.stops] == [482, 484, 486]
    assert tour.total_m == 3336 and tour.solver == "ortools"


def test_an_outlet_closing_early_is_visited_first_even_if_farther():
    stops = [Stop("near", Position(29.99, 120.0)), Stop("far", Position(30.03, 120.0), closes=490)]
    tour = optimise(START, stops, start_minute=480, speed_kmh=30, budget_s=0.5)
    # near (1112 m south) first would reach far after 1112 + 4448 m = 11 min: 08:11, a minute after it closes.
    # far first: 3336 m (7 min, 08:07, open), then 4448 m back south to near: 7784 m, longer but on time.
    assert [p.key for p in tour.stops] == ["far", "near"]
    assert [p.arrival for p in tour.stops] == [487, 496]
    assert tour.total_m == 7784 and all(p.late_minutes == 0 for p in tour.stops)


def test_waiting_for_opening_time():
    tour = optimise(START, [Stop("late", Position(30.01, 120.0), opens=540, service_minutes=20)], start_minute=480)
    assert tour.stops[0].arrival < 540 and tour.stops[0].start == 540


def test_the_fallback_answers_within_its_budget():
    stops = [Stop(str(i), Position(30.0 + (i % 7) * 0.01, 120.0 + (i // 7) * 0.01)) for i in range(40)]
    matrix = _matrix([START, *[s.position for s in stops]])
    started = time.monotonic()
    tour = fallback(stops, matrix, 480, 25.0, started + 0.2)
    assert time.monotonic() - started < 0.5
    assert sorted(p.key for p in tour.stops) == sorted(s.key for s in stops)
    assert tour.solver == "fallback"
