"""Use cases of routes, holidays and leave: the inputs of schedule generation."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert

from services.visits import db
from services.visits.outlets.service import visible_outlets
from services.visits.outlets.tables import outlets
from services.visits.schedules.schemas import HolidayIn, LeaveIn, RouteIn, RouteOut, StartPoint
from services.visits.schedules.tables import holidays, rep_leave, route_stops, routes
from shared.errors import InvalidInput, NotFound
from shared.identity import Principal, Role
from shared.ids import new_uuid
from shared.org import ensure_in_scope, scope_condition


def ensure_outlets_in_scope(conn: Connection, principal: Principal, outlet_ids: list[uuid.UUID]) -> None:
    """Every outlet named in a body must be visible to the caller; the first that is not answers 404."""
    seen: set[uuid.UUID] = set(
        conn.scalars(select(outlets.c.id).where(outlets.c.id.in_(outlet_ids), visible_outlets(principal)))
    )
    for i, outlet_id in enumerate(outlet_ids):
        if outlet_id not in seen:
            raise NotFound(f"outlet {outlet_id} not found", field=f"outlet_ids[{i}]")


def ensure_rep_in_scope(conn: Connection, principal: Principal, rep_id: uuid.UUID, field: str = "rep_id") -> None:
    """A rep is known to visits by their routes: one in the caller's subtree, or the caller themselves."""
    if principal.role == Role.rep:
        if principal.person_id != rep_id:
            raise NotFound(f"rep {rep_id} not found", field=field)
        return
    found = conn.scalar(
        select(routes.c.id)
        .where(routes.c.rep_id == rep_id, scope_condition(db.org_units, principal, routes.c.org_unit_id))
        .limit(1)
    )
    if found is None:
        raise NotFound(f"rep {rep_id} not found", field=field)


def set_route(conn: Connection, principal: Principal, command: RouteIn) -> RouteOut:
    """Create or replace a rep's route for one weekday."""
    ensure_in_scope(conn, db.org_units, principal, command.org_unit_id)
    if len(set(command.outlet_ids)) != len(command.outlet_ids):
        raise InvalidInput("an outlet appears twice on the route", field="outlet_ids")
    ensure_outlets_in_scope(conn, principal, command.outlet_ids)
    start = command.start
    values = dict(
        org_unit_id=command.org_unit_id,
        name=command.name,
        start_latitude=start.latitude if start else None,
        start_longitude=start.longitude if start else None,
    )
    stmt = insert(routes).values(id=new_uuid(), rep_id=command.rep_id, weekday=command.weekday, **values)
    route_id = conn.scalar(
        stmt.on_conflict_do_update(constraint="uq_routes_rep_id_weekday", set_=values).returning(routes.c.id)
    )
    conn.execute(delete(route_stops).where(route_stops.c.route_id == route_id))
    conn.execute(
        route_stops.insert().values(
            [dict(route_id=route_id, position=i, outlet_id=o) for i, o in enumerate(command.outlet_ids)]
        )
    )
    return RouteOut(
        id=route_id,
        rep_id=command.rep_id,
        org_unit_id=command.org_unit_id,
        weekday=command.weekday,
        name=command.name,
        start=start,
        outlet_ids=command.outlet_ids,
    )


def list_routes(conn: Connection, principal: Principal, rep_id: uuid.UUID) -> list[RouteOut]:
    """A rep's routes, Monday first."""
    ensure_rep_in_scope(conn, principal, rep_id)
    stops = func.array_agg(aggregate_order_by(route_stops.c.outlet_id, route_stops.c.position))  # in route order
    rows = conn.execute(
        select(routes, stops.label("outlet_ids"))
        .join(route_stops, route_stops.c.route_id == routes.c.id)
        .where(routes.c.rep_id == rep_id, scope_condition(db.org_units, principal, routes.c.org_unit_id))
        .group_by(routes.c.id)
        .order_by(routes.c.weekday)
    )
    return [
        RouteOut(
            **{k: v for k, v in r._asdict().items() if k not in ("start_latitude", "start_longitude")},
            start=StartPoint(latitude=r.start_latitude, longitude=r.start_longitude)
            if r.start_latitude is not None
            else None,
        )
        for r in rows
    ]


def add_holiday(conn: Connection, command: HolidayIn) -> HolidayIn:
    stmt = insert(holidays).values(day=command.day, name=command.name)
    conn.execute(stmt.on_conflict_do_update(index_elements=[holidays.c.day], set_={"name": command.name}))
    return command


def list_holidays(conn: Connection, year: int) -> list[HolidayIn]:
    rows = conn.execute(select(holidays).where(func.extract("year", holidays.c.day) == year).order_by(holidays.c.day))
    return [HolidayIn(day=r.day, name=r.name) for r in rows]


def add_leave(conn: Connection, principal: Principal, command: LeaveIn) -> LeaveIn:
    """Days a rep is away; schedules generated afterwards move or report the visits due on them."""
    ensure_rep_in_scope(conn, principal, command.rep_id)
    rows = [dict(rep_id=command.rep_id, day=d) for d in sorted(set(command.days))]
    conn.execute(insert(rep_leave).values(rows).on_conflict_do_nothing())
    return command
