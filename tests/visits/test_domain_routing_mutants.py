"""Route evaluation worked by hand: legs, arrivals after service and waiting, lateness against closing time
(midnight by default), the fallback's nearest-neighbour order with ties by closing time, its 2-opt moves (a late
minute against a detour, a swap of the last two stops, only strictly better orders), minute rounding, the
defaults, service time in the solver's clock, and the solver's two-day clock beyond which the fallback plans."""

import time

import pytest

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


# Hand-made road matrices in metres (node 0 is the start, node k is stops[k - 1]); at 60 km/h a km takes a minute.
def run_fallback(stops, matrix, start_minute=480, seconds=5.0):
    return fallback(stops, matrix, start_minute, 60, time.monotonic() + seconds)


def line_matrix(*km: float) -> list[list[int]]:
    """Stops on one straight road, at these km from the start (negative: the other way)."""
    points = [0.0, *km]
    return [[round(abs(a - b) * 1000) for b in points] for a in points]


@pytest.mark.parametrize(("detour", "keys"), [(9_999, ["B", "A"]), (10_000, ["A", "B"]), (10_001, ["A", "B"])])
def test_a_minute_late_is_worth_ten_kilometres_of_detour(detour, keys):
    # A is 1 km from the start, B is 1 km + detour, and A-B is 11 km. Nearest first, A then B, is 12 km long
    # but reaches B at 08:01 + 11 min = 08:12, a minute after it closes: cost 12 000 + 10 000.
    # B then A is 1000 + detour + 11 000 m with B at 08:11 (10.999 to 11.001 min rounds to 11), on time: cost
    # 12 000 + detour. The detour is taken only when it is shorter than the late minute's 10 000 m; at a tie
    # 2-opt keeps the order it has.
    stops = [Stop("A", START), Stop("B", START, closes=491)]
    matrix = [[0, 1000, 1000 + detour], [1000, 0, 11_000], [1000 + detour, 11_000, 0]]
    tour = run_fallback(stops, matrix)
    assert [p.key for p in tour.stops] == keys
    if keys == ["B", "A"]:
        assert tour.total_m == 12_000 + detour and [p.late_minutes for p in tour.stops] == [0, 0]
    else:
        assert tour.total_m == 12_000 and [p.late_minutes for p in tour.stops] == [0, 1]


def test_the_fallback_swaps_the_last_two_stops_when_that_alone_saves_lateness():
    # Distances (km): start-A 1, start-B 3, start-C 3.4, A-B 2, A-C 2.4, B-C 1. A closes 08:02, C 08:03.
    # Nearest first: A (1), then B (2 < 2.4), then C: A 08:01, B 08:03, C 08:04, a minute late: 4000 + 10 000.
    # Reversing the first two (B, A, C) reaches A at 08:05; reversing all three (C, B, A) reaches A at 08:06:
    # both later. Only swapping the last two helps: A, C, B = 1 + 2.4 + 1 = 4.4 km, A 08:01, C 08:03
    # (2.4 min rounds to 2), B 08:04, all on time.
    stops = [Stop("A", START, closes=482), Stop("B", START), Stop("C", START, closes=483)]
    matrix = [[0, 1000, 3000, 3400], [1000, 0, 2000, 2400], [3000, 2000, 0, 1000], [3400, 2400, 1000, 0]]
    tour = run_fallback(stops, matrix)
    assert [(p.key, p.arrival, p.late_minutes) for p in tour.stops] == [("A", 481, 0), ("C", 483, 0), ("B", 484, 0)]
    assert tour.total_m == 4400


def test_the_fallback_moves_only_to_a_strictly_shorter_order_and_stops_when_there_is_none():
    # On one road: A at +1 km, B at +3 km, C at -2 km. Nearest first: A (1), B (2 < 3), C (5): 8 km.
    # One reversal away: B, A, C = 3 + 2 + 3 = 8 km (a tie), C, B, A = 2 + 5 + 2 = 9, A, C, B = 1 + 3 + 5 = 9.
    # None is shorter, so the heuristic ends at 8 km although C, A, B (2 + 3 + 2 = 7 km) exists: it is
    # reached only through the tie. It answers at once instead of spending the 30 s it may use.
    stops = [Stop("A", START), Stop("B", START), Stop("C", START)]
    started = time.monotonic()
    tour = run_fallback(stops, line_matrix(1, 3, -2), seconds=30)
    assert time.monotonic() - started < 10
    assert [p.key for p in tour.stops] == ["A", "B", "C"] and tour.total_m == 8000


def test_nearest_first_walks_from_each_stop_reached():
    # On one road: A at +1 km, C at +2.5 km, B at -1.5 km. From the start A is nearest (1); from A, C (1.5)
    # is nearer than B (2.5); from C only B is left (4). No reversal of A, C, B is shorter (C, A, B: 2.5 + 1.5
    # + 2.5 = 6.5, a tie; B, C, A: 1.5 + 4 + 1.5 = 7; A, B, C: 1 + 2.5 + 4 = 7.5), so nearest-first stands.
    stops = [Stop("A", START), Stop("C", START), Stop("B", START)]
    tour = run_fallback(stops, line_matrix(1, 2.5, -1.5))
    assert [(p.key, p.leg_m) for p in tour.stops] == [("A", 1000), ("C", 1500), ("B", 4000)]
    assert tour.total_m == 6500


def test_legs_are_rounded_to_the_nearest_minute():
    # At 30 km/h a km takes 2 min: 1240 m is 2.48 min -> 2, 1251 m is 2.502 min -> 3.
    stops = [Stop("A", START), Stop("B", START)]
    tour = evaluate([0, 1], stops, [[0, 1240, 0], [1240, 0, 1251], [0, 1251, 0]], 480, 30)
    assert [p.arrival for p in tour.stops] == [482, 485]


def test_a_stop_without_opening_hours_is_open_from_midnight():
    # Starting at 00:00 on the stop itself: arrival 0, service starts at once.
    tour = evaluate([0], [Stop("A", START)], [[0, 0], [0, 0]], 0, 30)
    assert [(p.arrival, p.start) for p in tour.stops] == [(0, 0)]


def test_no_stops_is_an_empty_tour_of_no_distance():
    tour = optimise(START, [])
    assert tour.stops == [] and tour.total_m == 0


def test_the_day_starts_at_eight_at_25_kmh_by_default():
    # 1112 m at 25 km/h = 2.67 min -> 3: 08:03.
    assert [p.arrival for p in optimise(START, [north(1)]).stops] == [483]


@pytest.mark.parametrize(
    "stops",
    [[north(1, service_minutes=10), north(2, closes=490)], [north(2, closes=490), north(1, service_minutes=10)]],
)
def test_the_solver_counts_each_stops_service_time_whatever_the_input_order(stops):
    # n1 then n2 (2224 m): n1 at 08:02, 10 min of service, n2 at 08:14, 4 min after it closes (40 000 m of cost).
    # n2 then n1 (2224 + 1112 = 3336 m): n2 at 08:04, n1 at 08:06, both on time: the cheaper plan.
    tour = optimise(START, stops, start_minute=480, speed_kmh=30, budget_s=0.3)
    assert [(p.key, p.arrival, p.late_minutes) for p in tour.stops] == [("n2", 484, 0), ("n1", 486, 0)]
    assert tour.total_m == 3336


@pytest.mark.parametrize(("start_minute", "solver"), [(2878, "ortools"), (2879, "fallback")])
def test_the_solver_plans_two_days_and_the_fallback_anything_later(start_minute, solver):
    # The solver's clock ends at 48:00 (minute 2880). n1 is 2 min away: from 47:58 it is reached at 48:00 and
    # the solver plans it; from 47:59 it is reached at 48:01, beyond its clock, and the fallback plans it.
    tour = optimise(START, [north(1)], start_minute=start_minute, speed_kmh=30, budget_s=0.3)
    assert tour.solver == solver and [p.arrival for p in tour.stops] == [start_minute + 2]


def test_beyond_the_solvers_clock_the_fallback_still_improves_nearest_first():
    # From 48:00 every arrival is beyond the solver's clock. Stops on the meridian, 0.005 deg (556 m) apart:
    # a 6 steps south, b 1 south, c 2 north. Nearest first: b (556), c (3 steps, 1668), a (8 steps, 4448) =
    # 6672 m. Reversing the first two: c (1112), b (1668), a (5 steps, 2780) = 5560 m. At 30 km/h both orders
    # arrive (b 48:01, c 48:04, a 48:13 against c 48:02, b 48:05, a 48:11) 4338 minutes late in all (each
    # past the default midnight closing), so the shorter one wins.
    stops = [Stop(k, Position(30.0 + 0.005 * step, 120.0)) for k, step in (("a", -6), ("b", -1), ("c", 2))]
    tour = optimise(START, stops, start_minute=2880, speed_kmh=30, budget_s=0.5)
    assert tour.solver == "fallback"
    assert [(p.key, p.arrival) for p in tour.stops] == [("c", 2882), ("b", 2885), ("a", 2891)]
    assert tour.total_m == 5560


def test_the_solver_searches_for_its_budget():
    # Guided local search cannot prove a route optimal, so it searches until the budget is spent.
    started = time.monotonic()
    optimise(START, [north(1), north(2)], budget_s=0.4)
    assert time.monotonic() - started >= 0.2
