"""Schedule generation runs in PostgreSQL (schedules/generation.py); domain/schedule.py states the rules. On a
mixed territory (reps with one to five route days, every grade, holidays and leave, moves and visits that find
no day) the database plans exactly the visits the rules plan, and reports the same ones as not placed."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from sqlalchemy import text

from services.visits.domain import schedule as rules
from services.visits.schedules.generation import generate_in_database
from shared.org import path_label

START, END = date(2026, 4, 27), date(2026, 6, 7)  # six weeks; 1 May and 1 June are holidays below
HOLIDAYS = [date(2026, 5, 1), date(2026, 5, 4), date(2026, 6, 1)]


def test_the_database_plans_what_the_rules_plan(engines):
    rng = random.Random(7)
    unit = uuid.uuid4()
    stops: list[rules.RouteStop] = []
    leave: dict[uuid.UUID, list[date]] = {}
    with engines["visits"].connect() as conn, conn.begin() as transaction:
        conn.execute(
            text("INSERT INTO visits.org_units (id, kind, code, name, path) VALUES (:i, 'company', :c, 'g', :p)"),
            dict(i=unit, c=f"G-{unit.hex[:8]}", p=path_label(unit)),
        )
        for _ in range(12):
            rep = uuid.uuid4()
            for weekday in sorted(rng.sample(range(1, 6), rng.randint(1, 5))):
                route = uuid.uuid4()
                conn.execute(
                    text("INSERT INTO visits.routes (id, rep_id, org_unit_id, weekday, name) VALUES (:i,:r,:u,:w,'r')"),
                    dict(i=route, r=rep, u=unit, w=weekday),
                )
                for position in range(rng.randint(1, 6)):
                    outlet, grade = uuid.uuid4(), rng.choice("ABCD")
                    conn.execute(
                        text(
                            "INSERT INTO visits.outlets (id, code, name, org_unit_id, grade, loyalty) "
                            "VALUES (:i, :c, 'o', :u, :g, 'loyal')"
                        ),
                        dict(i=outlet, c=f"G-{outlet.hex}", u=unit, g=grade),
                    )
                    conn.execute(
                        text("INSERT INTO visits.route_stops (route_id, position, outlet_id) VALUES (:r, :p, :o)"),
                        dict(r=route, p=position, o=outlet),
                    )
                    stops.append(rules.RouteStop(rep, weekday, position, outlet, grade))
            first = START + timedelta(days=rng.randint(0, 35))
            leave[rep] = [first + timedelta(days=d) for d in range(rng.randint(0, 8))]
            for day in leave[rep]:
                conn.execute(text("INSERT INTO visits.rep_leave (rep_id, day) VALUES (:r, :d)"), dict(r=rep, d=day))
        for day in HOLIDAYS:  # holidays are global: rolled back with the rest at the end
            conn.execute(text("INSERT INTO visits.holidays VALUES (:d, 'h') ON CONFLICT DO NOTHING"), dict(d=day))
        made, entries, kept, not_placed = generate_in_database(
            conn, unit, START, END, dict(rules.DEFAULT_INTERVAL_WEEKS)
        )
        stored = conn.execute(
            text(
                "SELECT e.rep_id, e.outlet_id, e.planned_on, e.position, e.moved_from FROM visits.schedule_entries e "
                "JOIN visits.schedules s ON s.id = e.schedule_id AND s.rep_id = e.rep_id WHERE s.org_unit_id = :u"
            ),
            dict(u=unit),
        ).all()
        transaction.rollback()
    planned, missed = rules.generate(
        stops, start=START, end=END, interval_weeks=rules.DEFAULT_INTERVAL_WEEKS, holidays=HOLIDAYS, leave=leave
    )
    assert made == 12 and kept == 0
    assert entries == len(stored) == len(planned)
    assert sorted(map(tuple, stored)) == sorted(tuple(v) for v in planned)
    assert any(v.moved_from for v in planned) and missed  # the case covers moves and visits with no day
    assert sorted(
        (uuid.UUID(str(m["rep_id"])), uuid.UUID(str(m["outlet_id"])), date.fromisoformat(m["due_on"]), m["reason"])
        for m in not_placed
    ) == sorted((m.rep_id, m.outlet_id, m.due_on, m.reason) for m in missed)
