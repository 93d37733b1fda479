"""Use cases of visit execution: check in, record steps, read; check-out lives in completion.py."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from sqlalchemy import Connection, func, select

from services.visits import db
from services.visits.domain.geo import Position, geofence, to_wgs84
from services.visits.outlets.service import visible_outlets
from services.visits.outlets.tables import outlets
from services.visits.policies.service import all_policies
from services.visits.schedules.service import ensure_entry_of
from services.visits.visits.schemas import StepOut, VisitOut, VisitStart
from services.visits.visits.tables import visit_steps, visits
from shared.errors import Conflict, InvalidInput, NotFound
from shared.identity import Principal, Role
from shared.org import scope_condition


def rep_of(principal: Principal) -> uuid.UUID:
    """The rep recording a visit is the person the token names."""
    if principal.person_id is None:
        raise InvalidInput("the token names no person; visits are recorded by the rep who makes them", field="token")
    return principal.person_id


def fingerprint(body) -> str:
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()


def visible(principal: Principal):
    """Visits the caller may see: a rep their own, a manager those in their subtree."""
    if principal.role == Role.rep:
        return visits.c.rep_id == principal.person_id if principal.person_id else visits.c.id.is_(None)
    return scope_condition(db.org_units, principal, visits.c.org_unit_id)


def existing_visit(conn: Connection, principal: Principal, visit_id: uuid.UUID, body_fingerprint: str):
    """The stored visit when this is a retry of the same request; 409 when the id was used for something else."""
    row = conn.execute(select(visits.c.rep_id, visits.c.fingerprint).where(visits.c.id == visit_id)).first()
    if row is None:
        return None
    if row.rep_id != principal.person_id or row.fingerprint != body_fingerprint:
        raise Conflict(f"visit id {visit_id} is already used by another request", field="id")
    return get_visit(conn, principal, visit_id)


def outlet_for_visit(conn: Connection, principal: Principal, outlet_id: uuid.UUID):
    """The outlet's facts a visit needs, if the caller may see it; otherwise it does not exist."""
    outlet = conn.execute(
        select(
            outlets.c.org_unit_id,
            outlets.c.grade,
            outlets.c.channel,
            outlets.c.opening_hours,
            outlets.c.dealer_id,
            outlets.c.latitude,
            outlets.c.longitude,
        ).where(outlets.c.id == outlet_id, visible_outlets(principal))
    ).first()
    if outlet is None:
        raise NotFound(f"outlet {outlet_id} not found", field="outlet_id")
    return outlet


def check_in_values(
    principal: Principal, command: VisitStart, outlet, policy, *, now: datetime, body_fingerprint: str
) -> dict:
    """The visit row at check-in: position converted to WGS-84, its distance to the outlet, too far flagged."""
    rep = rep_of(principal)
    sent = command.check_in.position
    here = to_wgs84(sent.latitude, sent.longitude, sent.datum)
    if outlet.latitude is None:
        distance, outside = None, False
    else:
        fence = geofence(here, Position(outlet.latitude, outlet.longitude), policy.radius_m)
        distance, outside = fence.distance_m, fence.outside
    return dict(
        id=command.id,
        rep_id=rep,
        outlet_id=command.outlet_id,
        org_unit_id=outlet.org_unit_id,
        schedule_entry_id=command.schedule_entry_id,
        status="in_progress",
        fingerprint=body_fingerprint,
        check_in_client_at=command.check_in.client_at.astimezone(UTC),  # answers read the same from the row
        check_in_server_at=now,
        latitude=here.latitude,
        longitude=here.longitude,
        datum=sent.datum,
        sent_latitude=sent.latitude,
        sent_longitude=sent.longitude,
        accuracy_m=sent.accuracy_m,
        mock_location=command.check_in.mock_location,
        distance_m=distance,
        outside_geofence=outside,
        order_taken=False,
    )


def start_visit(conn: Connection, principal: Principal, command: VisitStart, *, now: datetime, body_fingerprint: str):
    """Check in: accepted wherever it happens; the distance is kept and a check-in too far is flagged."""
    rep = rep_of(principal)
    outlet = outlet_for_visit(conn, principal, command.outlet_id)
    if command.schedule_entry_id is not None:
        ensure_entry_of(conn, rep, command.outlet_id, command.schedule_entry_id)
    policy = all_policies(conn)[outlet.grade]
    values = check_in_values(principal, command, outlet, policy, now=now, body_fingerprint=body_fingerprint)
    conn.execute(visits.insert().values(values))


def owned_visit(conn: Connection, principal: Principal, visit_id: uuid.UUID, *, for_update: bool = False):
    """A visit the caller recorded, locked when asked; another rep's visit does not exist for them."""
    query = select(visits).where(visits.c.id == visit_id, visits.c.rep_id == rep_of(principal))
    row = conn.execute(query.with_for_update() if for_update else query).first()
    if row is None:
        raise NotFound(f"visit {visit_id} not found")
    return row


def add_steps(conn: Connection, visit_id: uuid.UUID, steps: list) -> list[StepOut]:
    """Append steps after the last one (one multi-row insert)."""
    if not steps:
        return []
    last: int = conn.execute(
        select(func.coalesce(func.max(visit_steps.c.seq), 0)).where(visit_steps.c.visit_id == visit_id)
    ).scalar_one()  # an aggregate always yields one row
    rows = [
        dict(visit_id=visit_id, seq=last + i, step=s.step, data=s.model_dump(mode="json", exclude={"step"}))
        for i, s in enumerate(steps, start=1)
    ]
    conn.execute(visit_steps.insert().values(rows))
    return [StepOut(seq=r["seq"], step=r["step"], data=r["data"]) for r in rows]


def record_step(conn: Connection, principal: Principal, visit_id: uuid.UUID, step) -> StepOut:
    """One step of an open visit (stock check, display, prices, …)."""
    row = owned_visit(conn, principal, visit_id, for_update=True)
    if row.status != "in_progress":
        raise Conflict(f"visit {visit_id} is checked out; steps can no longer be added", field="visit_id")
    return add_steps(conn, visit_id, [step])[0]


def get_visit(conn: Connection, principal: Principal, visit_id: uuid.UUID) -> VisitOut:
    row = conn.execute(select(visits).where(visits.c.id == visit_id, visible(principal))).first()
    if row is None:
        raise NotFound(f"visit {visit_id} not found")
    steps = conn.execute(
        select(visit_steps.c.seq, visit_steps.c.step, visit_steps.c.data)
        .where(visit_steps.c.visit_id == visit_id)
        .order_by(visit_steps.c.seq)
    )
    return VisitOut(**row._asdict(), steps=[StepOut(**s._asdict()) for s in steps])


def list_visits(
    conn: Connection, principal: Principal, *, rep_id: uuid.UUID | None, limit: int, offset: int
) -> list[VisitOut]:
    """A page of visits with their steps: two statements whatever the page size (the page, then all its steps)."""
    query = select(visits).where(visible(principal))
    if rep_id is not None:
        query = query.where(visits.c.rep_id == rep_id)
    page = conn.execute(
        query.order_by(visits.c.check_in_client_at.desc(), visits.c.id).limit(limit).offset(offset)
    ).all()
    steps: dict[uuid.UUID, list[StepOut]] = {row.id: [] for row in page}
    if page:
        for s in conn.execute(
            select(visit_steps.c.visit_id, visit_steps.c.seq, visit_steps.c.step, visit_steps.c.data)
            .where(visit_steps.c.visit_id.in_(list(steps)))
            .order_by(visit_steps.c.visit_id, visit_steps.c.seq)
        ):
            steps[s.visit_id].append(StepOut(seq=s.seq, step=s.step, data=s.data))
    return [VisitOut(**row._asdict(), steps=steps[row.id]) for row in page]
