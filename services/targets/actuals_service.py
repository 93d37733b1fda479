"""Use cases for actuals learned from events: each takes a connection inside the caller's unit of work."""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects.postgresql import insert

from services.targets import db
from services.targets.api.schemas import ActualsOut
from shared.auth import Principal
from shared.consumer import Decoded
from shared.events.inventory import OrderRecorded
from shared.org import ensure_in_scope, subtree_ids

ou = db.org_units


def apply_order_recorded(conn: Connection, message: Decoded) -> None:
    """Keep the latest ERP version of each order as an actual; older or repeated versions change nothing."""
    order: OrderRecorded = message.payload
    counts = order.status != "cancelled"
    values = dict(
        order_id=order.order_id, erp_order_id=order.erp_order_id, erp_version=order.erp_version,
        dealer_id=order.dealer_id, org_unit_id=order.org_unit_id, status=order.status, ordered_on=order.ordered_on,
        amount=order.total_amount if counts else Decimal(0), quantity=order.total_quantity if counts else Decimal(0),
    )
    stmt = insert(db.order_actuals).values(values)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[db.order_actuals.c.order_id],
            set_={**{k: stmt.excluded[k] for k in values if k != "order_id"}, "updated_at": func.now()},
            where=db.order_actuals.c.erp_version < stmt.excluded.erp_version,
        )
    )


def actuals(conn: Connection, principal: Principal, org_unit_id: uuid.UUID, date_from: date | None,
            date_to: date | None) -> ActualsOut:
    """Order totals of the org unit's whole subtree over a date range."""
    ensure_in_scope(conn, ou, principal, org_unit_id)
    a = db.order_actuals
    query = select(func.coalesce(func.sum(a.c.amount), 0), func.coalesce(func.sum(a.c.quantity), 0),
                   func.count()).where(a.c.org_unit_id.in_(subtree_ids(ou, org_unit_id)), a.c.status != "cancelled")
    if date_from:
        query = query.where(a.c.ordered_on >= date_from)
    if date_to:
        query = query.where(a.c.ordered_on <= date_to)
    amount, quantity, orders = conn.execute(query).one()
    return ActualsOut(org_unit_id=org_unit_id, date_from=date_from, date_to=date_to, amount=amount,
                      quantity=quantity, orders=orders)
