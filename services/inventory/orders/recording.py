"""Recording ERP orders, one or a whole poll at a time: the same rules either way, with one statement per table
for all the orders of a call. New orders, their lines and their events go by COPY, which has no bind parameters, so
no statement comes near PostgreSQL's 65,535 however many lines an order has.

This is the ERP consumer's hot path (thousands of orders a second): rows are written as COPY text, and the events
are validated in one call each, lines included."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Connection, delete, func, select

from services.inventory import db
from services.inventory.dealers.tables import dealers as d
from services.inventory.domain.orders import (
    PricedLine,
    VersionDecision,
    content_hash,
    decide_version,
    order_totals,
    price_lines,
)
from services.inventory.orders.schemas import ErpOrderAccepted
from services.inventory.orders.tables import order_lines as ol
from services.inventory.orders.tables import orders as o
from shared.bulk import copy_escape, copy_text
from shared.consumer import Decoded
from shared.events.erp import ErpOrder
from shared.events.inventory import OrderLine, OrderRecorded
from shared.ids import new_uuid
from shared.logs import correlation_id
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/inventory")
ORDER_COLUMNS = (
    "id", "erp_order_id", "erp_version", "content_hash", "dealer_id", "dealer_code", "org_unit_id", "status",
    "ordered_on", "currency", "total_quantity", "total_amount",
)  # fmt: skip
LINE_COLUMNS = ("order_id", "line_no", "sku", "quantity", "unit_price", "amount")


def record_erp_orders(
    conn: Connection, messages: list[ErpOrder], correlation_ids: Sequence[str | None] | None = None
) -> list[ErpOrderAccepted]:
    """Record ERP order versions in order; repeats and late older versions change nothing. One answer per message.

    Each message's event carries its correlation id when given (the consumer's), else the request's."""
    stored = {
        r.erp_order_id: (r.id, r.erp_version, r.content_hash)
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
    final: dict[str, OrderRecorded] = {}
    digests: dict[str, str] = {}
    correlations: dict[str, str | None] = {}
    answers = []
    for index, message in enumerate(messages):
        digest = content_hash(message.model_dump(mode="json"))
        known = state.get(message.order_id)
        decision = decide_version(known[1:] if known else None, message.version, digest)
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
        state[message.order_id] = (order_id, message.version, digest)
        digests[message.order_id] = digest
        final[message.order_id] = _event(order_id, message, dealers.get(message.dealer_code))
        correlations[message.order_id] = correlation_ids[index] if correlation_ids is not None else correlation_id.get()
    _write(conn, stored, final, digests)
    outbox.add(conn, *final.values(), correlation_ids=[correlations[key] for key in final])
    return answers


def _event(order_id: uuid.UUID, message: ErpOrder, dealer) -> OrderRecorded:
    """The order as recorded (an order naming an unknown dealer waits for it: see orders/waiting.py)."""
    lines = price_lines([(line.sku, line.quantity, line.unit_price) for line in message.lines])
    total_quantity, total_amount = order_totals(lines)
    # one validation call for the order and its lines: quicker than a constructor per line (or model_construct)
    return OrderRecorded.model_validate(
        {
            "order_id": order_id,
            "erp_order_id": message.order_id,
            "erp_version": message.version,
            "dealer_id": dealer.id if dealer else None,
            "dealer_code": message.dealer_code,
            "org_unit_id": dealer.org_unit_id if dealer else None,
            "status": message.status,
            "ordered_on": message.ordered_on,
            "currency": message.currency,
            "total_quantity": total_quantity,
            "total_amount": total_amount,
            "lines": [
                {"sku": x.sku, "quantity": x.quantity, "unit_price": x.unit_price, "amount": x.amount} for x in lines
            ],
        }
    )


def _write(conn: Connection, stored: dict, final: dict[str, OrderRecorded], digests: dict[str, str]) -> None:
    new = [e for key, e in final.items() if key not in stored]
    copy_text(conn, o, ORDER_COLUMNS, [_order_text(e, digests[e.erp_order_id]) for e in new])
    changed = [e for key, e in final.items() if key in stored]
    for e in changed:  # newer versions of known orders: rare next to new orders
        values = {c: getattr(e, c) for c in ORDER_COLUMNS[4:]}
        conn.execute(
            o.update()
            .where(o.c.id == e.order_id)
            .values(erp_version=e.erp_version, content_hash=digests[e.erp_order_id], **values, updated_at=func.now())
        )
    if changed:
        conn.execute(delete(ol).where(ol.c.order_id.in_([e.order_id for e in changed])))
    copy_text(
        conn, ol, LINE_COLUMNS, [_line_text(e.order_id, i, x) for e in final.values() for i, x in enumerate(e.lines, 1)]
    )


def _order_text(e: OrderRecorded, digest: str) -> str:
    dealer, unit = (str(e.dealer_id), str(e.org_unit_id)) if e.dealer_id else ("\\N", "\\N")
    return (
        f"{e.order_id}\t{copy_escape(e.erp_order_id)}\t{e.erp_version}\t{digest}\t{dealer}\t"
        f"{copy_escape(e.dealer_code)}\t{unit}\t{e.status}\t{e.ordered_on}\t{copy_escape(e.currency)}\t"
        f"{e.total_quantity}\t{e.total_amount}\n"
    )


def _line_text(order_id: uuid.UUID, line_no: int, x: OrderLine | PricedLine) -> str:
    return f"{order_id}\t{line_no}\t{copy_escape(x.sku)}\t{x.quantity}\t{x.unit_price}\t{x.amount}\n"


def apply_erp_orders(conn: Connection, messages: list[Decoded]) -> None:
    """Batch handler of erp.orders.v1."""
    orders: list[ErpOrder] = []
    for m in messages:
        assert isinstance(m.payload, ErpOrder), "registered for ErpOrder only"
        orders.append(m.payload)
    record_erp_orders(conn, orders, [m.correlation_id for m in messages])
