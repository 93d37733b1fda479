"""Use cases for dealers: each takes a connection inside the caller's unit of work."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, select

from services.inventory import db
from services.inventory.dealers.schemas import DealerCreate, DealerOut
from services.inventory.dealers.tables import dealers as d
from shared.errors import Conflict, NotFound
from shared.events.inventory import DealerRegistered
from shared.identity import Principal
from shared.org.scope import ensure_known_in_scope, scope_condition
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/inventory")


def register_dealer(conn: Connection, principal: Principal, command: DealerCreate) -> DealerOut:
    """Add a dealer in an org unit the caller manages, and publish it."""
    ensure_known_in_scope(conn, db.org_units, principal, command.org_unit_id)
    if conn.scalar(select(d.c.id).where(d.c.code == command.code)):
        raise Conflict(f"dealer code {command.code!r} already exists", field="code")
    dealer_id = command.id or uuid.uuid4()
    if conn.scalar(select(d.c.id).where(d.c.id == dealer_id)):
        raise Conflict(f"dealer {dealer_id} already exists", field="id")
    row = conn.execute(
        d.insert()
        .values(id=dealer_id, code=command.code, name=command.name, org_unit_id=command.org_unit_id)
        .returning(*d.c)
    ).one()
    outbox.add(
        conn,
        DealerRegistered(dealer_id=dealer_id, code=command.code, name=command.name, org_unit_id=command.org_unit_id),
    )
    return DealerOut.model_validate(row, from_attributes=True)


def get_dealer(conn: Connection, principal: Principal, dealer_id: uuid.UUID) -> DealerOut:
    row = conn.execute(
        select(d).where(d.c.id == dealer_id, scope_condition(db.org_units, principal, d.c.org_unit_id))
    ).first()
    if row is None:
        raise NotFound(f"dealer {dealer_id} not found")
    return DealerOut.model_validate(row, from_attributes=True)


def list_dealers(conn: Connection, principal: Principal, *, limit: int, offset: int) -> list[DealerOut]:
    rows = conn.execute(
        select(d)
        .where(scope_condition(db.org_units, principal, d.c.org_unit_id))
        .order_by(d.c.code)
        .limit(limit)
        .offset(offset)
    )
    return [DealerOut.model_validate(r, from_attributes=True) for r in rows]
