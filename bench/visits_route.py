"""Order 40 outlets with opening-hour windows from a rep's start point: the service's optimiser with its
production budget (under 1 s) against the best tour the same solver finds in 30 s (5 s with --quick).

The instance is fixed (seeded): 40 outlets in a 10 x 10 km part of Hangzhou, 12 minutes in each, a third open
only in the morning (08:00-12:00), a third only from 14:00, the rest all day; the rep starts at 08:00.
"""

from __future__ import annotations

import random
import time

from bench.servers import figures, parse_args
from services.visits.domain.geo import Position
from services.visits.domain.routing import Stop, optimise

START = Position(30.27, 120.15)
BUDGET_S = 0.8


def instance() -> list[Stop]:
    rng = random.Random(40)
    windows = [(8 * 60, 12 * 60), (14 * 60, 21 * 60), (0, 24 * 60)]
    return [
        Stop(
            key=f"O{i:02d}",
            position=Position(30.23 + rng.random() * 0.09, 120.10 + rng.random() * 0.104),
            opens=windows[i % 3][0],
            closes=windows[i % 3][1],
            service_minutes=12,
        )
        for i in range(40)
    ]


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    stops = instance()
    started = time.perf_counter()
    tour = optimise(START, stops, start_minute=8 * 60, budget_s=BUDGET_S)
    seconds = time.perf_counter() - started
    late = sum(p.late_minutes for p in tour.stops)
    print(f"budgeted: {tour.total_m / 1000:.2f} km in {seconds:.2f} s by {tour.solver}, {late} min late", flush=True)
    long_budget = 5.0 if args.quick else 30.0
    best = optimise(START, stops, start_minute=8 * 60, budget_s=long_budget)
    best_late = sum(p.late_minutes for p in best.stops)
    print(f"long run ({long_budget:.0f} s): {best.total_m / 1000:.2f} km, {best_late} min late", flush=True)
    best_km = min(best.total_m, tour.total_m) / 1000  # the best tour found by either run
    print(
        figures(
            seconds=round(seconds, 3),
            length_km=round(tour.total_m / 1000, 2),
            best_km=round(best_km, 2),
            gap_pct=round((tour.total_m / 1000 - best_km) / best_km * 100, 2),
        )
    )


if __name__ == "__main__":
    main()
