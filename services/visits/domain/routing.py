"""A day's outlets in the order that travels least from the rep's start point, inside opening hours.

OR-Tools' routing solver does the search (first solution by cheapest arc, then guided local search until
the time budget); if it finds nothing in time, a nearest-neighbour tour improved by 2-opt is the answer, so
a rep always gets an order. Windows are soft at closing time (a late arrival costs, it does not make the
day impossible) and hard at opening (arriving early means waiting).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from services.visits.domain.geo import Position, distance_m

LATE_PENALTY_PER_MINUTE = 10_000  # metres of detour worth one minute late: lateness is avoided first
DAY_END = 24 * 60


@dataclass(frozen=True)
class Stop:
    key: str
    position: Position
    opens: int = 0  # minutes after midnight
    closes: int = DAY_END
    service_minutes: int = 0


@dataclass(frozen=True)
class PlannedStop:
    key: str
    leg_m: int  # from the previous stop (or the start point)
    arrival: int  # minutes after midnight
    start: int  # service starts: arrival or opening, whichever is later
    late_minutes: int


@dataclass(frozen=True)
class Tour:
    stops: list[PlannedStop]
    total_m: int
    solver: str  # "ortools" or "fallback"


def _matrix(points: Sequence[Position]) -> list[list[int]]:
    return [[round(distance_m(a, b)) for b in points] for a in points]


def _minutes(metres: int, speed_kmh: float) -> int:
    return round(metres / 1000 / speed_kmh * 60)


def evaluate(
    order: Sequence[int], stops: Sequence[Stop], matrix: Sequence[Sequence[int]], start_minute: int, speed_kmh: float
) -> Tour:
    """Legs, arrivals and lateness of visiting stops (indexes into `stops`) in `order` from node 0."""
    planned, now, here, total = [], start_minute, 0, 0
    for i in order:
        leg = matrix[here][i + 1]
        arrival = now + _minutes(leg, speed_kmh)
        s = stops[i]
        begin = max(arrival, s.opens)
        planned.append(PlannedStop(s.key, leg, arrival, begin, max(0, begin - s.closes)))
        now, here, total = begin + s.service_minutes, i + 1, total + leg
    return Tour(planned, total, "fallback")


def _cost(tour: Tour) -> int:
    return tour.total_m + LATE_PENALTY_PER_MINUTE * sum(p.late_minutes for p in tour.stops)


def fallback(
    stops: Sequence[Stop], matrix: Sequence[Sequence[int]], start_minute: int, speed_kmh: float, deadline: float
) -> Tour:
    """Nearest neighbour (earliest closing first on ties), then 2-opt while time remains."""
    left, order, here = set(range(len(stops))), [], 0
    while left:
        nxt = min(left, key=lambda i: (matrix[here][i + 1], stops[i].closes))
        order.append(nxt)
        left.remove(nxt)
        here = nxt + 1
    best = evaluate(order, stops, matrix, start_minute, speed_kmh)
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for i in range(len(order) - 1):
            for j in range(i + 1, len(order)):
                candidate = order[:i] + order[i : j + 1][::-1] + order[j + 1 :]
                tour = evaluate(candidate, stops, matrix, start_minute, speed_kmh)
                if _cost(tour) < _cost(best):
                    order, best, improved = candidate, tour, True
            if time.monotonic() >= deadline:
                break
    return best


def optimise(
    start: Position,
    stops: Sequence[Stop],
    *,
    start_minute: int = 8 * 60,
    speed_kmh: float = 25.0,
    budget_s: float = 0.8,
) -> Tour:
    """The order to visit `stops` from `start` (no return), with legs and arrival times."""
    if not stops:
        return Tour([], 0, "ortools")
    deadline = time.monotonic() + budget_s
    matrix = _matrix([start, *[s.position for s in stops]])
    n = len(stops)
    # Node 0 is the start, 1..n the stops, n+1 a free end so the rep does not have to return.
    for row in matrix:
        row.append(0)
    matrix.append([0] * (n + 2))
    manager = pywrapcp.RoutingIndexManager(n + 2, 1, [0], [n + 1])
    routing = pywrapcp.RoutingModel(manager)

    # Matrices, not Python callbacks: the solver reads them in C++, so the budget buys ~50x more search.
    travel = [
        [(stops[a - 1].service_minutes if 1 <= a <= n else 0) + _minutes(matrix[a][b], speed_kmh) for b in range(n + 2)]
        for a in range(n + 2)
    ]
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(matrix))
    routing.AddDimension(routing.RegisterTransitMatrix(travel), DAY_END, 2 * DAY_END, False, "time")
    clock = routing.GetDimensionOrDie("time")
    clock.CumulVar(routing.Start(0)).SetRange(start_minute, start_minute)
    for i, s in enumerate(stops):
        index = manager.NodeToIndex(i + 1)
        clock.CumulVar(index).SetMin(s.opens)
        clock.SetCumulVarSoftUpperBound(index, s.closes, LATE_PENALTY_PER_MINUTE)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    remaining = max(0.05, deadline - time.monotonic() - 0.05)
    params.time_limit.FromMilliseconds(int(remaining * 1000))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return fallback(stops, matrix, start_minute, speed_kmh, time.monotonic() + remaining)
    order, index = [], solution.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index) - 1)
        index = solution.Value(routing.NextVar(index))
    tour = evaluate(order, stops, matrix, start_minute, speed_kmh)
    return Tour(tour.stops, tour.total_m, "ortools")
