"""Route evaluation worked by hand: legs, arrivals after service and waiting, lateness against closing time
(midnight by default), the fallback's nearest-neighbour order with ties by closing time."""

import time

from services.visits.domain.geo import Position
from services.visits.domain.routing import Stop, _matrix, evaluate, fallback, optimise

START = Position(30.0, 120.0)
# 0.01 degree of latitude = 1112 m; at 30 km/h that is 2.224 min -> 2 min.


def north(i: int, **kw) -> Stop:
    return Stop(f"n{i}", Position(30.0 + 0.01 * i, 120.0), **kw)


def tour_of(stops, order, start_minute=480):
    return evaluate(order, stops, _matrix([START, *[s.position for s in stops]]), start_minute, 30)


def test_service_time_and_waiting_push_the_next_arrival():
    stops = [north(1, opens=540, service_minutes=20), north(2)]
    planned = tour_of(stops, [0, 1]).stops
    # n1: arrive 482, wait for 09:00, serve 20 min -> leave 560; n2 another 2 min on
    assert [(p.arrival, p.start, p.leg_m) for p in planned] == [(482, 540, 1112), (562, 562, 1112)]


def test_lateness_is_minutes_after_closing_and_midnight_closes_by_default():
    assert [p.late_minutes for p in tour_of([north(1, closes=481)], [0]).stops] == [1]
    assert [p.late_minutes for p in tour_of([north(1, closes=482)], [0]).stops] == [0]
    # leaving at 23:59, arriving at 00:01 of the next day: one minute past the default closing
    assert [p.late_minutes for p in tour_of([north(1)], [0], start_minute=1439).stops] == [1]


def test_the_fallback_goes_to_the_nearest_first_and_on_a_tie_to_the_earliest_closing():
    south = Stop("s1", Position(29.99, 120.0), closes=600)
    stops = [north(1, closes=700), south]
    matrix = _matrix([START, *[s.position for s in stops]])
    tour = fallback(stops, matrix, 480, 30, time.monotonic() + 1)
    assert [p.key for p in tour.stops] == ["s1", "n1"]
    assert [p.leg_m for p in tour.stops] == [1112, 2224] and tour.total_m == 3336


def test_the_fallback_untangles_a_crossing_order():
    stops = [north(3), north(1), north(2)]
    matrix = _matrix([START, *[s.position for s in stops]])
    tour = fallback(stops, matrix, 480, 30, time.monotonic() + 1)
    assert [p.key for p in tour.stops] == ["n1", "n2", "n3"]
    assert [p.arrival for p in tour.stops] == [482, 484, 486]


def test_the_solver_counts_service_time_between_stops():
    tour = optimise(START, [north(1, service_minutes=30), north(2)], start_minute=480, speed_kmh=30, budget_s=0.3)
    assert [(p.key, p.arrival) for p in tour.stops] == [("n1", 482), ("n2", 514)]
