"""Use cases of route optimisation and of the rep's day."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Connection, select

from services.visits import db
from services.visits.day.schemas import DayOut, DayPromotion, DayStop, Finding, Leg, OpenOrder, OptimiseIn, OptimiseOut
from services.visits.dealer_orders.service import FINISHED
from services.visits.dealer_orders.tables import dealer_orders
from services.visits.domain.geo import Position
from services.visits.domain.routing import DAY_END, Stop, optimise
from services.visits.outlets.tables import outlets
from services.visits.policies.service import all_policies, required_steps
from services.visits.promotions.service import running_for_outlets
from services.visits.schedules.routes import ensure_outlets_in_scope, ensure_rep_in_scope
from services.visits.schedules.tables import routes, schedule_entries, schedules
from services.visits.visits.tables import visit_steps, visits
from shared.identity import Principal
from shared.org import scope_condition

DAY_BUDGET_S = 0.5
DAY_START = 8 * 60


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def _window(opening_hours, weekday: int) -> tuple[int, int, list[str]]:
    """Earliest opening and latest closing of the day (unknown hours: all day) and the windows as text."""
    if opening_hours is None:
        return 0, DAY_END, []
    today = [w for w in opening_hours if w["weekday"] == weekday]
    if not today:
        return 0, DAY_END, ["closed"]
    return (
        min(_minutes(w["opens"]) for w in today),
        max(_minutes(w["closes"]) for w in today),
        [f"{w['opens']}-{w['closes']}" for w in today],
    )


def optimise_route(conn: Connection, principal: Principal, command: OptimiseIn) -> OptimiseOut:
    """The order to visit the given outlets from the start point, with legs and expected arrival times."""
    ensure_outlets_in_scope(conn, principal, command.outlet_ids)
    rows = {r.id: r for r in conn.execute(select(outlets).where(outlets.c.id.in_(command.outlet_ids)))}
    stops = []
    for outlet_id in command.outlet_ids:
        r = rows[outlet_id]
        if r.latitude is None:
            continue  # nowhere on the map: cannot be placed in a tour
        opens, closes, _ = _window(r.opening_hours, command.weekday)
        stops.append(Stop(str(outlet_id), Position(r.latitude, r.longitude), opens, closes, command.service_minutes))
    tour = optimise(
        Position(command.start.latitude, command.start.longitude),
        stops,
        start_minute=_minutes(command.start_time),
        speed_kmh=command.speed_kmh,
    )
    return OptimiseOut(
        legs=[
            Leg(
                outlet_id=uuid.UUID(p.key),
                leg_m=p.leg_m,
                arrival=_hhmm(p.arrival),
                start=_hhmm(p.start),
                late_minutes=p.late_minutes,
            )
            for p in tour.stops
        ],
        total_m=tour.total_m,
        solver=tour.solver,
    )


def day_inputs(conn: Connection, principal: Principal, rep_id: uuid.UUID, on: date):
    ensure_rep_in_scope(conn, principal, rep_id)
    entries = conn.execute(
        select(schedule_entries.c.id.label("entry_id"), schedule_entries.c.version.label("entry_version"), outlets)
        .join(schedules, schedules.c.id == schedule_entries.c.schedule_id)
        .join(outlets, outlets.c.id == schedule_entries.c.outlet_id)
        .where(
            schedule_entries.c.rep_id == rep_id,
            schedule_entries.c.planned_on == on,
            schedules.c.status == "published",
            scope_condition(db.org_units, principal, schedules.c.org_unit_id),
        )
        .order_by(schedule_entries.c.position)
    ).all()
    start = conn.execute(
        select(routes.c.start_latitude, routes.c.start_longitude).where(
            routes.c.rep_id == rep_id, routes.c.weekday == on.isoweekday()
        )
    ).first()
    ids = [e.id for e in entries]
    last_visits = conn.execute(
        select(visits.c.id, visits.c.outlet_id, visits.c.check_in_client_at, visits.c.flags)
        .distinct(visits.c.outlet_id)
        .where(visits.c.outlet_id.in_(ids), visits.c.status == "completed")
        .order_by(visits.c.outlet_id, visits.c.check_in_client_at.desc())
    ).all()
    steps = conn.execute(
        select(visit_steps.c.visit_id, visit_steps.c.step, visit_steps.c.data).where(
            visit_steps.c.visit_id.in_([v.id for v in last_visits]),
            visit_steps.c.step.in_(["stock_check", "order"]),
        )
    ).all()
    dealers = {e.dealer_id for e in entries if e.dealer_id is not None}
    orders = conn.execute(
        select(dealer_orders)
        .where(dealer_orders.c.dealer_id.in_(dealers), dealer_orders.c.status.not_in(FINISHED))
        .order_by(dealer_orders.c.changed_at.desc(), dealer_orders.c.id)
    ).all()
    promotions = running_for_outlets(conn, {e.org_unit_id for e in entries}, on)
    return DayInputs(entries, start, last_visits, steps, orders, promotions)


class DayInputs(NamedTuple):
    entries: Sequence[Any]
    start: Any
    last_visits: Sequence[Any]
    steps: Sequence[Any]
    orders: Sequence[Any]  # open orders of the stops' dealers
    promotions: Sequence[Any]  # running promotions, one row per (promotion, org unit of a stop it covers)


def day_etag(conn: Connection, inputs: DayInputs) -> str:
    """A tag of what the day is computed from: the answer is the same while these are (no solver run needed)."""
    entries, start, last_visits, _, orders, promotions = inputs
    basis: list = [[str(e.entry_id), e.entry_version, e.version] for e in entries]
    basis += [[str(v.id)] for v in last_visits] + [list(start) if start else None]
    basis += [[str(o.id), o.status, o.changed_at.isoformat()] for o in orders]
    basis += [[str(p.id), str(p.outlet_unit_id)] for p in promotions]  # a promotion never changes once set up
    basis += [p.model_dump() for p in all_policies(conn).values()]
    return '"' + hashlib.sha256(json.dumps(basis, default=str).encode()).hexdigest()[:32] + '"'


def rep_day(conn: Connection, principal: Principal, rep_id: uuid.UUID, on: date, inputs: DayInputs) -> DayOut:
    """Today's outlets in the optimised order, each with the steps to do, what the last visit found, the dealer's
    open orders and the promotions running there."""
    entries, start, last_visits, steps, orders, promotions = inputs
    open_orders: dict[uuid.UUID, list[OpenOrder]] = {}
    for o in orders:
        open_orders.setdefault(o.dealer_id, []).append(
            OpenOrder(id=o.id, status=o.status, qty=o.total_quantity, amount=str(o.total_amount))
        )
    running = {p.code: p for p in promotions}
    promos_of: dict[tuple[uuid.UUID, str], list[str]] = {}
    for e in entries:
        promos_of[e.org_unit_id, e.channel] = [
            p.code
            for p in promotions
            if p.outlet_unit_id == e.org_unit_id and (not p.channels or e.channel in p.channels)
        ]
    policies = all_policies(conn)
    findings: dict[uuid.UUID, Finding] = {}
    for v in last_visits:
        mine = [s for s in steps if s.visit_id == v.id]
        findings[v.outlet_id] = Finding(
            on=v.check_in_client_at.date(),
            flags=v.flags or [],
            out_of_stock=[
                i["sku"] for s in mine if s.step == "stock_check" for i in s.data["items"] if i["out_of_stock"]
            ],
            ordered=[line for s in mine if s.step == "order" for line in s.data["lines"]],
        )
    stops, windows = [], {}
    for e in entries:
        opens, closes, text = _window(e.opening_hours, on.isoweekday())
        windows[e.id] = text
        if e.latitude is not None:
            minimum = policies[e.grade].minimum_minutes
            stops.append(Stop(str(e.id), Position(e.latitude, e.longitude), opens, closes, minimum))
    origin = (
        Position(start.start_latitude, start.start_longitude)
        if start and start.start_latitude is not None
        else (stops[0].position if stops else Position(0, 0))
    )
    tour = optimise(origin, stops, start_minute=DAY_START, budget_s=DAY_BUDGET_S)
    order = {uuid.UUID(p.key): (i, p) for i, p in enumerate(tour.stops)}
    out = []
    for e in entries:
        placed = order.get(e.id)
        out.append(
            DayStop(
                outlet_id=e.id,
                entry_id=e.entry_id,
                name=e.name,
                address=e.address,
                lat=e.latitude,
                lon=e.longitude,
                hours=windows[e.id],
                steps=required_steps(policies[e.grade], e.channel),
                arrival=_hhmm(placed[1].arrival) if placed else None,
                leg_m=placed[1].leg_m if placed else None,
                last=findings.get(e.id),
                orders=open_orders.get(e.dealer_id) if e.dealer_id else None,
                promos=promos_of[e.org_unit_id, e.channel] or None,
            )
        )
    out.sort(key=lambda s: order[s.outlet_id][0] if s.outlet_id in order else len(order))  # unmapped outlets last
    used = sorted({code for s in out for code in s.promos or ()})
    return DayOut(
        rep_id=rep_id,
        on=on,
        total_m=tour.total_m,
        stops=out,
        promotions=[
            DayPromotion(
                code=c,
                name=running[c].name,
                mechanic=running[c].mechanic,
                ends_on=running[c].ends_on,
                skus=running[c].skus,
            )
            for c in used
        ]
        or None,
    )
