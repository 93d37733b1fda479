"""Use cases for orders (ERP orders recorded, read back): each takes a connection inside the caller's unit of work."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, delete, func, select

from services.inventory import db
from services.inventory.dealers.tables import dealers as d
from services.inventory.domain.orders import VersionDecision, content_hash, decide_version, order_totals, price_lines
from services.inventory.orders.schemas import ErpOrderAccepted, OrderLineOut, OrderOut
from services.inventory.orders.tables import order_lines as ol
from services.inventory.orders.tables import orders as o
from shared.consumer import Decoded
from shared.errors import NotFound
from shared.events.erp import ErpOrder
from shared.events.inventory import OrderLine, OrderRecorded
from shared.identity import Principal
from shared.org.scope import scope_condition
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/inventory")


def record_erp_order(conn: Connection, message: ErpOrder) -> ErpOrderAccepted:
    """Record an ERP order version; repeats and late older versions change nothing."""
    digest = content_hash(message.model_dump(mode="json"))
    stored = conn.execute(
        select(o.c.id, o.c.erp_version, o.c.content_hash).where(o.c.erp_order_id == message.order_id).with_for_update()
    ).first()
    decision = decide_version((stored.erp_version, stored.content_hash) if stored else None, message.version, digest)
    order_id = stored.id if stored else uuid.uuid4()
    if decision is VersionDecision.unchanged:
        return ErpOrderAccepted(
            order_id=order_id, erp_order_id=message.order_id, erp_version=message.version, applied=False
        )
    dealer = conn.execute(select(d.c.id, d.c.org_unit_id).where(d.c.code == message.dealer_code)).first()
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
    if stored:
        conn.execute(o.update().where(o.c.id == order_id).values(**values, updated_at=func.now()))
        conn.execute(delete(ol).where(ol.c.order_id == order_id))
    else:
        conn.execute(o.insert().values(id=order_id, **values))
    conn.execute(
        ol.insert().values(
            [
                dict(
                    order_id=order_id,
                    line_no=i,
                    sku=line.sku,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    amount=line.amount,
                )
                for i, line in enumerate(lines, 1)
            ]
        )
    )
    outbox.add(
        conn,
        OrderRecorded(
            order_id=order_id,
            erp_order_id=message.order_id,
            erp_version=message.version,
            dealer_id=values["dealer_id"],
            dealer_code=message.dealer_code,
            org_unit_id=values["org_unit_id"],
            status=message.status,
            ordered_on=message.ordered_on,
            currency=message.currency,
            total_quantity=total_quantity,
            total_amount=total_amount,
            lines=[
                OrderLine(sku=line.sku, quantity=line.quantity, unit_price=line.unit_price, amount=line.amount)
                for line in lines
            ],
        ),
    )
    return ErpOrderAccepted(order_id=order_id, erp_order_id=message.order_id, erp_version=message.version, applied=True)


def apply_erp_order(conn: Connection, message: Decoded) -> None:
    assert isinstance(message.payload, ErpOrder), "registered for ERP orders only"
    record_erp_order(conn, message.payload)


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
