"""Visits' copy of inventory's dealer orders, kept from DealerOrderStatusChanged: the rep's day lists an outlet's
dealer's open orders, so the rep can answer "where is my delivery?" in the shop."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert

from services.visits.dealer_orders.tables import dealer_orders as t
from shared.consumer import Decoded
from shared.events.inventory import DealerOrderStatusChanged

FINISHED = ("closed", "rejected", "cancelled")  # every other status is an order still open


def project_dealer_order(conn: Connection, message: Decoded) -> None:
    e = message.payload
    assert isinstance(e, DealerOrderStatusChanged), "registered for DealerOrderStatusChanged only"
    assert message.envelope is not None, "an event, not an inbound ERP message"
    values = dict(
        id=e.order_id,
        dealer_id=e.dealer_id,
        org_unit_id=e.org_unit_id,
        status=e.status,
        total_quantity=e.total_quantity,
        total_amount=e.total_amount,
        lines=[dict(sku=line.sku, quantity=line.quantity, shipped=line.shipped) for line in e.lines],
        changed_at=message.envelope.time,
    )
    stmt = insert(t).values(values)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[t.c.id],
            set_={k: stmt.excluded[k] for k in values if k != "id"},
            where=t.c.changed_at <= stmt.excluded.changed_at,  # a late older status never overwrites a newer one
        )
    )
