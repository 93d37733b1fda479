"""Use cases for orders (ERP orders recorded, read back): each takes a connection inside the caller's unit of work."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, select

from services.inventory import db
from services.inventory.orders.recording import record_erp_orders
from services.inventory.orders.schemas import ErpOrderAccepted, OrderLineOut, OrderOut
from services.inventory.orders.tables import order_lines as ol
from services.inventory.orders.tables import orders as o
from shared.errors import NotFound
from shared.events.erp import ErpOrder
from shared.identity import Principal
from shared.org.scope import scope_condition


def record_erp_order(conn: Connection, message: ErpOrder) -> ErpOrderAccepted:
    """Record an ERP order version; repeats and late older versions change nothing."""
    return record_erp_orders(conn, [message])[0]


def _order_out(conn: Connection, row) -> OrderOut:
    lines = conn.execute(select(ol).where(ol.c.order_id == row.id).order_by(ol.c.line_no))
    return OrderOut(**row._asdict(), lines=[OrderLineOut.model_validate(line, from_attributes=True) for line in lines])


def _visible_orders(principal: Principal):
    columns = [c for c in o.c if c.name not in ("content_hash", "created_at")]
    return select(*columns).where(scope_condition(db.org_units, principal, o.c.org_unit_id))


def get_order(conn: Connection, principal: Principal, order_id: uuid.UUID) -> OrderOut:
    row = conn.execute(_visible_orders(principal).where(o.c.id == order_id)).first()
    if row is None:
        raise NotFound(f"order {order_id} not found")
    return _order_out(conn, row)


def list_orders(
    conn: Connection, principal: Principal, *, erp_order_id: str | None, limit: int, offset: int
) -> list[OrderOut]:
    query = _visible_orders(principal).order_by(o.c.ordered_on.desc(), o.c.erp_order_id).limit(limit).offset(offset)
    if erp_order_id:
        query = query.where(o.c.erp_order_id == erp_order_id)
    return [_order_out(conn, r) for r in conn.execute(query)]
