"""Use cases for the outlet master: each takes a connection inside the caller's unit of work."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Connection, and_, false, select

from services.visits import db
from services.visits.dealers.tables import dealers
from services.visits.domain.classification import value_class
from services.visits.outlets.book import check_opening_hours
from services.visits.outlets.schemas import OutletCreate, OutletOut
from services.visits.outlets.tables import outlets as t
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.visits import OutletRegistered
from shared.identity import Principal, Role
from shared.ids import new_uuid
from shared.org.scope import ensure_all_in_scope, ensure_known_in_scope, scope_condition
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/visits")


def visible_outlets(principal: Principal) -> ColumnElement[bool]:
    """Outlets the caller may read and visit: a rep those of their own book, anyone else those of their subtree."""
    in_subtree = scope_condition(db.org_units, principal, t.c.org_unit_id)
    if principal.role != Role.rep:
        return in_subtree
    if principal.person_id is None:
        return false()
    return and_(in_subtree, t.c.owner_rep_id == principal.person_id)


def register_outlet(conn: Connection, principal: Principal, command: OutletCreate) -> OutletOut:
    """Add an outlet to the outlet master (建立下线客户档案) and publish it."""
    ensure_known_in_scope(conn, db.org_units, principal, command.org_unit_id)
    if command.dealer_id:  # the supplying dealer obeys the caller's scope too: elsewhere reads as unknown
        ensure_all_in_scope(
            conn,
            db.org_units,
            principal,
            [("dealer_id", command.dealer_id)],
            what="dealer",
            id_column=dealers.c.id,
            org_unit_column=dealers.c.org_unit_id,
        )
    check_opening_hours(command.opening_hours)
    if principal.role == Role.rep:  # a rep adds outlets to their own book, never to another rep's
        if command.owner_rep_id not in (None, principal.person_id):
            raise InvalidInput("a rep registers outlets for their own book only", field="owner_rep_id")
        command = command.model_copy(update={"owner_rep_id": principal.person_id})
    if conn.scalar(select(t.c.id).where(t.c.code == command.code)):
        raise Conflict(f"outlet code {command.code!r} already exists", field="code")
    outlet_id = command.id or new_uuid()
    if conn.scalar(select(t.c.id).where(t.c.id == outlet_id)):
        raise Conflict(f"outlet {outlet_id} already exists", field="id")
    values = command.model_dump(exclude={"id", "location"})
    if command.location:
        values.update(latitude=command.location.latitude, longitude=command.location.longitude)
    row = conn.execute(t.insert().values(id=outlet_id, **values).returning(*t.c)).one()
    outbox.add(
        conn,
        OutletRegistered(
            outlet_id=outlet_id,
            code=row.code,
            name=row.name,
            org_unit_id=row.org_unit_id,
            grade=row.grade,
            latitude=row.latitude,
            longitude=row.longitude,
            dealer_id=row.dealer_id,
            channel=row.channel,
            loyalty=row.loyalty,
            value_class=value_class(row.grade, row.loyalty),
            owner_rep_id=row.owner_rep_id,
        ),
    )
    return OutletOut.from_row(row)


def get_outlet(conn: Connection, principal: Principal, outlet_id: uuid.UUID) -> OutletOut:
    row = conn.execute(select(t).where(t.c.id == outlet_id, visible_outlets(principal))).first()
    if row is None:
        raise NotFound(f"outlet {outlet_id} not found")
    return OutletOut.from_row(row)


def list_outlets(conn: Connection, principal: Principal, *, limit: int, offset: int) -> list[OutletOut]:
    rows = conn.execute(select(t).where(visible_outlets(principal)).order_by(t.c.code).limit(limit).offset(offset))
    return [OutletOut.from_row(r) for r in rows]
