"""Use cases for dealers: each takes a connection inside the caller's unit of work."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, func, select, true

from services.inventory import db
from services.inventory.collections.ingest import release_for_dealer
from services.inventory.dealers.schemas import DealerCreate, DealerOut, DealerUpdate
from services.inventory.dealers.tables import dealers as d
from services.inventory.orders.waiting import attribute_waiting_orders
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.inventory import DealerRegistered, DealerUpdated
from shared.identity import Principal, Role
from shared.ids import new_uuid
from shared.org.scope import ensure_in_scope, ensure_known_in_scope, scope_condition
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/inventory")
MASTER_FIELDS = ("code", "name", "org_unit_id", "credit_limit", "payment_terms_days", "grade", "status")


def _check_band(values: dict) -> None:
    low, high = values.get("band_low_days"), values.get("band_high_days")
    if (low is None) != (high is None):
        raise InvalidInput("give both ends of the stock-days band, or neither", field="band_high_days")
    if low is not None and low > high:
        raise InvalidInput(f"band low end {low} is above its high end {high}", field="band_low_days")


def register_dealer(conn: Connection, principal: Principal, command: DealerCreate) -> DealerOut:
    """Add a dealer in an org unit the caller manages, and publish it."""
    ensure_known_in_scope(conn, db.org_units, principal, command.org_unit_id)
    _check_band(command.model_dump())
    if conn.scalar(select(d.c.id).where(d.c.code == command.code)):
        raise Conflict(f"dealer code {command.code!r} already exists", field="code")
    dealer_id = command.id or new_uuid()
    if conn.scalar(select(d.c.id).where(d.c.id == dealer_id)):
        raise Conflict(f"dealer {dealer_id} already exists", field="id")
    # unset terms take the table's defaults
    values = command.model_dump(exclude={"id"}, exclude_none=True)
    row = conn.execute(d.insert().values(id=dealer_id, **values).returning(*d.c)).one()
    outbox.add(conn, DealerRegistered(dealer_id=dealer_id, **{f: getattr(row, f) for f in MASTER_FIELDS}))
    release_for_dealer(conn, row.code)  # ERP invoices and payments that waited for this dealer
    attribute_waiting_orders(conn, row.code)  # and its ERP orders
    return DealerOut.model_validate(row, from_attributes=True)


def update_dealer(conn: Connection, principal: Principal, dealer_id: uuid.UUID, command: DealerUpdate) -> DealerOut:
    """Change a dealer's territory or terms (both units in the caller's scope), and publish the new state."""
    row = conn.execute(
        select(d)
        .where(d.c.id == dealer_id, scope_condition(db.org_units, principal, d.c.org_unit_id))
        .with_for_update()
    ).first()
    if row is None:
        raise NotFound(f"dealer {dealer_id} not found")
    changes = command.model_dump(exclude_unset=True)
    if changes.get("org_unit_id") is not None:
        ensure_in_scope(conn, db.org_units, principal, changes["org_unit_id"])
    for required in ("name", "org_unit_id", "payment_terms_days", "overdue_allowance_days", "grade", "status"):
        if required in changes and changes[required] is None:
            raise InvalidInput(f"{required} may not be null", field=required)
    _check_band({**row._asdict(), **changes})
    updated = conn.execute(
        d.update().where(d.c.id == dealer_id).values(**changes, updated_at=func.now()).returning(*d.c)
    ).one()
    outbox.add(conn, DealerUpdated(dealer_id=dealer_id, **{f: getattr(updated, f) for f in MASTER_FIELDS}))
    return DealerOut.model_validate(updated, from_attributes=True)


def get_dealer(conn: Connection, principal: Principal, dealer_id: uuid.UUID) -> DealerOut:
    row = conn.execute(
        select(d).where(d.c.id == dealer_id, scope_condition(db.org_units, principal, d.c.org_unit_id))
    ).first()
    if row is None:
        raise NotFound(f"dealer {dealer_id} not found")
    return DealerOut.model_validate(row, from_attributes=True)


def org_scope(principal: Principal, org_unit_column):
    """The caller's subtree; the `erp` integration role (ERPs, dealers' systems, logistics) is company-wide."""
    return true() if principal.role == Role.erp else scope_condition(db.org_units, principal, org_unit_column)


def visible_dealer(conn: Connection, principal: Principal, dealer_id: uuid.UUID, field: str = "dealer_id"):
    """The dealer row when it exists inside the caller's scope; 404 naming `field` otherwise (ids in bodies too)."""
    row = conn.execute(
        select(d).where(d.c.id == dealer_id, scope_condition(db.org_units, principal, d.c.org_unit_id))
    ).first()
    if row is None:
        raise NotFound(f"dealer {dealer_id} not found", field=field)
    return row


def list_dealers(conn: Connection, principal: Principal, *, limit: int, offset: int) -> list[DealerOut]:
    rows = conn.execute(
        select(d)
        .where(scope_condition(db.org_units, principal, d.c.org_unit_id))
        .order_by(d.c.code)
        .limit(limit)
        .offset(offset)
    )
    return [DealerOut.model_validate(r, from_attributes=True) for r in rows]
