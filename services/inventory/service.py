"""Use cases of the inventory service: each takes a connection inside the caller's unit of work."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, delete, func, select

from services.inventory import db
from services.inventory.api.schemas import DealerCreate, DealerOut, ErpOrderAccepted, OrderLineOut, OrderOut
from services.inventory.domain.orders import VersionDecision, content_hash, decide_version, order_totals, price_lines
from shared.consumer import Decoded
from shared.errors import Conflict, NotFound
from shared.events.erp import ErpOrder
from shared.events.inventory import DealerRegistered, OrderLine, OrderRecorded
from shared.identity import Principal
from shared.org import ensure_in_scope, scope_condition
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/inventory")
d, o, ol = db.dealers, db.orders, db.order_lines


def register_dealer(conn: Connection, principal: Principal, command: DealerCreate) -> DealerOut:
    """Add a dealer in an org unit the caller manages, and publish it."""
    ensure_in_scope(conn, db.org_units, principal, command.org_unit_id)
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
                    sku=l.sku,
                    quantity=l.quantity,
                    unit_price=l.unit_price,
                    amount=l.amount,
                )
                for i, l in enumerate(lines, 1)
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
            lines=[OrderLine(sku=l.sku, quantity=l.quantity, unit_price=l.unit_price, amount=l.amount) for l in lines],
        ),
    )
    return ErpOrderAccepted(order_id=order_id, erp_order_id=message.order_id, erp_version=message.version, applied=True)


def apply_erp_order(conn: Connection, message: Decoded) -> None:
    record_erp_order(conn, message.payload)


def _order_out(conn: Connection, row) -> OrderOut:
    lines = conn.execute(select(ol).where(ol.c.order_id == row.id).order_by(ol.c.line_no))
    return OrderOut(**row._asdict(), lines=[OrderLineOut.model_validate(l, from_attributes=True) for l in lines])


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
