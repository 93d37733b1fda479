"""Generate one month's schedules for 2,000 reps (5 weekday routes of 12 outlets each, grades A-D mixed, two
holidays, some reps on leave) through the service's own use case, in one transaction, timed end to end."""

from __future__ import annotations

import random
import time
import uuid
from datetime import date

from sqlalchemy import text

from bench.servers import benchmark_servers, figures, parse_args
from services.visits.schedules import service
from services.visits.schedules.schemas import GenerateIn
from shared.db import make_engine
from shared.identity import Principal, Role
from shared.org import path_label

ADMIN = Principal(subject="bench", role=Role.admin, org_unit_id=None)
STOPS_PER_ROUTE = 12


def copy_rows(raw, sql: str, rows) -> None:
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def seed(engine, reps: int) -> uuid.UUID:
    """A company, `reps` reps each with Monday-Friday routes over their own outlets (not timed)."""
    rng = random.Random(12)
    unit = uuid.uuid4()
    outlets, routes, stops, leave = [], [], [], []
    for r in range(reps):
        rep = uuid.uuid4()
        for weekday in range(1, 6):
            route = uuid.uuid4()
            routes.append((route, rep, unit, weekday, f"route {r}.{weekday}"))
            for position in range(STOPS_PER_ROUTE):
                outlet = uuid.uuid4()
                grade = rng.choices("ABCD", weights=(2, 3, 4, 1))[0]
                outlets.append((outlet, f"O{r}-{weekday}-{position}", "bench", unit, grade, "loyal"))
                stops.append((route, position, outlet))
        if r % 10 == 0:  # one rep in ten takes three days off
            leave += [(rep, date(2026, 3, d)) for d in (10, 11, 12)]
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO visits.org_units (id, kind, code, name, path) VALUES (:i, 'company', :c, 'bench', :p)"),
            dict(i=unit, c=f"B-{unit.hex[:8]}", p=path_label(unit)),
        )
        raw = conn.connection.driver_connection
        copy_rows(raw, "COPY visits.outlets (id, code, name, org_unit_id, grade, loyalty) FROM STDIN", outlets)
        copy_rows(raw, "COPY visits.routes (id, rep_id, org_unit_id, weekday, name) FROM STDIN", routes)
        copy_rows(raw, "COPY visits.route_stops (route_id, position, outlet_id) FROM STDIN", stops)
        copy_rows(raw, "COPY visits.rep_leave (rep_id, day) FROM STDIN", leave)
        conn.execute(text("INSERT INTO visits.holidays VALUES ('2026-03-16', 'bench holiday'), ('2026-03-27', 'b2')"))
    return unit


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    reps = 200 if args.quick else 2_000
    with benchmark_servers() as infra:
        engine = make_engine(infra.settings.service_url("visits"), pool_size=2)
        unit = seed(engine, reps)
        print(f"seeded {reps} reps, {reps * 5 * STOPS_PER_ROUTE:,} route stops", flush=True)
        started = time.perf_counter()
        with engine.begin() as conn:
            result = service.generate(
                conn,
                ADMIN,
                GenerateIn(org_unit_id=unit, period_start=date(2026, 3, 1), period_end=date(2026, 3, 31)),
            )
        seconds = time.perf_counter() - started
        with engine.connect() as conn:
            stored = conn.scalar(text("SELECT count(*) FROM visits.schedule_entries"))
        assert stored == result.entries and result.schedules == reps, (stored, result)
        print(f"{result.schedules} schedules, {result.entries:,} planned visits in {seconds:.2f} s", flush=True)
        engine.dispose()
    print(figures(seconds=round(seconds, 2), reps=reps, entries=result.entries))


if __name__ == "__main__":
    main()
