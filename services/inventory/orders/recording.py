"""Recording ERP orders, one or a whole poll at a time: the same rules either way, with one statement per table
for all the orders of a call. New orders, their lines and their events go by COPY, which has no bind parameters, so
no statement comes near PostgreSQL's 65,535 however many lines an order has."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Connection, delete, func, select

from services.inventory import db
from services.inventory.dealers.tables import dealers as d
from services.inventory.domain.orders import VersionDecision, content_hash, decide_version, order_totals, price_lines
from services.inventory.orders.schemas import ErpOrderAccepted
from services.inventory.orders.tables import order_lines as ol
from services.inventory.orders.tables import orders as o
from shared.bulk import copy_rows
from shared.consumer import Decoded
from shared.events.erp import ErpOrder
from shared.events.inventory import OrderLine, OrderRecorded
from shared.ids import new_uuid
from shared.logs import correlation_id
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/inventory")


def record_erp_orders(
    conn: Connection, messages: list[ErpOrder], correlation_ids: Sequence[str | None] | None = None
) -> list[ErpOrderAccepted]:
    """Record ERP order versions in order; repeats and late older versions change nothing. One answer per message.

    Each message's event carries its correlation id when given (the consumer's), else the request's."""
    stored = {
        r.erp_order_id: (r.id, r.erp_version, r.content_hash, True)
        for r in conn.execute(
            select(o.c.id, o.c.erp_order_id, o.c.erp_version, o.c.content_hash)
            .where(o.c.erp_order_id.in_(sorted({m.order_id for m in messages})))
            .order_by(o.c.erp_order_id)
            .with_for_update()
        )
    }
    dealers = {
        r.code: r
        for r in conn.execute(
            select(d.c.id, d.c.code, d.c.org_unit_id).where(d.c.code.in_({m.dealer_code for m in messages}))
        )
    }
    state = dict(stored)
    final: dict[str, tuple[uuid.UUID, dict, list]] = {}
    events, event_correlations, answers = [], [], []
    for index, message in enumerate(messages):
        digest = content_hash(message.model_dump(mode="json"))
        known = state.get(message.order_id)
        decision = decide_version(known[1:3] if known else None, message.version, digest)
        order_id = known[0] if known else new_uuid()
        answers.append(
            ErpOrderAccepted(
                order_id=order_id,
                erp_order_id=message.order_id,
                erp_version=message.version,
                applied=decision is VersionDecision.apply,
            )
        )
        if decision is VersionDecision.unchanged:
            continue
        dealer = dealers.get(message.dealer_code)
        lines = price_lines([(line.sku, line.quantity, line.unit_price) for line in message.lines])
        total_quantity, total_amount = order_totals(lines)
        values = dict(
            erp_order_id=message.order_id,
            erp_version=message.version,
            content_hash=digest,
            dealer_id=dealer.id if dealer else None,
            dealer_code=message.dealer_code,
            org_unit_id=dealer.org_unit_id if dealer else None,
            status=message.status,
            ordered_on=message.ordered_on,
            currency=message.currency,
            total_quantity=total_quantity,
            total_amount=total_amount,
        )
        state[message.order_id] = (order_id, message.version, digest, bool(known and known[3]))
        final[message.order_id] = (order_id, values, lines)
        event_correlations.append(correlation_ids[index] if correlation_ids is not None else correlation_id.get())
        events.append(
            OrderRecorded(
                order_id=order_id,
                **{k: v for k, v in values.items() if k not in ("content_hash", "erp_order_id", "erp_version")},
                erp_order_id=message.order_id,
                erp_version=message.version,
                lines=[
                    OrderLine(sku=x.sku, quantity=x.quantity, unit_price=x.unit_price, amount=x.amount) for x in lines
                ],
            )
        )
    _write(conn, stored, final)
    outbox.add(conn, *events, correlation_ids=event_correlations)
    return answers


def _write(conn: Connection, stored: dict, final: dict[str, tuple[uuid.UUID, dict, list]]) -> None:
    new = [dict(id=order_id, **values) for key, (order_id, values, _) in final.items() if key not in stored]
    copy_rows(conn, o, new)
    changed = [(order_id, values) for key, (order_id, values, _) in final.items() if key in stored]
    for order_id, values in changed:  # newer versions of known orders: rare next to new orders
        conn.execute(o.update().where(o.c.id == order_id).values(**values, updated_at=func.now()))
    if changed:
        conn.execute(delete(ol).where(ol.c.order_id.in_([order_id for order_id, _ in changed])))
    rows = [
        dict(order_id=order_id, line_no=i, sku=x.sku, quantity=x.quantity, unit_price=x.unit_price, amount=x.amount)
        for order_id, _, lines in final.values()
        for i, x in enumerate(lines, 1)
    ]
    copy_rows(conn, ol, rows)


def apply_erp_orders(conn: Connection, messages: list[Decoded]) -> None:
    """Batch handler of erp.orders.v1."""
    orders: list[ErpOrder] = []
    for m in messages:
        assert isinstance(m.payload, ErpOrder), "registered for ErpOrder only"
        orders.append(m.payload)
    record_erp_orders(conn, orders, [m.correlation_id for m in messages])
