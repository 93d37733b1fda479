"""Use cases for dealer orders: create a draft, submit it through the credit check, approve, reject, cancel,
deliver and close; every move published."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Connection, func, select

from services.inventory import db
from services.inventory.collections.receivables import open_invoices
from services.inventory.dealer_orders.schemas import DealerOrderCreate, DealerOrderOut, OrderLineOut
from services.inventory.dealer_orders.tables import dealer_order_lines as ol
from services.inventory.dealer_orders.tables import dealer_orders as o
from services.inventory.dealers.service import org_scope, visible_dealer
from services.inventory.dealers.tables import dealers as d
from services.inventory.domain.credit import credit_check
from services.inventory.domain.dealer_orders import OrderStatus, next_status
from services.inventory.skus.tables import skus as s
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.events.inventory import DealerOrderLine, DealerOrderStatusChanged
from shared.identity import Principal, Role
from shared.ids import new_uuid
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/inventory")
CENT = Decimal("0.01")
CREDIT_APPROVERS = frozenset({Role.director, Role.region_manager, Role.admin})


def _priced_lines(conn: Connection, command: DealerOrderCreate) -> list[dict]:
    """Lines at the list price or a given price inside the SKU's price band (price control)."""
    codes = {line.sku for line in command.lines}
    skus = {r.code: r for r in conn.execute(select(s).where(s.c.code.in_(codes)))}
    lines, errors = [], []
    for i, line in enumerate(command.lines):
        sku = skus.get(line.sku)
        if sku is None or sku.status != "active":
            errors.append({"field": f"lines[{i}].sku", "reason": f"no active SKU {line.sku!r}"})
            continue
        price = line.unit_price if line.unit_price is not None else sku.list_price
        if (sku.price_floor is not None and price < sku.price_floor) or (
            sku.price_ceiling is not None and price > sku.price_ceiling
        ):
            band = f"{sku.price_floor or 0}–{sku.price_ceiling or '∞'}"
            errors.append({"field": f"lines[{i}].unit_price", "reason": f"{price} is outside the price band {band}"})
            continue
        amount = (price * line.quantity).quantize(CENT, ROUND_HALF_UP)
        lines.append(dict(line_no=i + 1, sku_id=sku.id, quantity=line.quantity, unit_price=price, amount=amount))
    if errors:
        raise InvalidInput(f"{len(errors)} bad line(s); nothing was written", errors=errors)
    return lines


def create_order(
    conn: Connection, principal: Principal, command: DealerOrderCreate, *, source: str = "entered",
    source_ref: str | None = None,
) -> DealerOrderOut:  # fmt: skip
    """A draft order for a dealer in the caller's scope; a retry with the same id returns the first one."""
    dealer = visible_dealer(conn, principal, command.dealer_id)
    if command.id is not None and conn.scalar(select(o.c.dealer_id).where(o.c.id == command.id)) is not None:
        existing = get_order(conn, principal, command.id)
        if existing.dealer_id != command.dealer_id:
            raise Conflict(f"order {command.id} already exists for another dealer", field="id")
        return existing
    if dealer.status != "active":
        raise InvalidInput(f"dealer {dealer.code} is {dealer.status}", field="dealer_id")
    lines = _priced_lines(conn, command)
    order_id = command.id or new_uuid()
    conn.execute(
        o.insert().values(
            id=order_id,
            dealer_id=dealer.id,
            org_unit_id=dealer.org_unit_id,
            status=OrderStatus.draft.value,
            source=source,
            source_ref=source_ref,
            currency="CNY",
            total_quantity=sum(line["quantity"] for line in lines),
            total_amount=sum((line["amount"] for line in lines), Decimal(0)),
            hold_reasons=[],
            note=command.note,
            created_by=principal.subject,
        )
    )
    conn.execute(ol.insert(), [dict(order_id=order_id, **line) for line in lines])
    return _publish(conn, principal, order_id, None)


def _load(conn: Connection, principal: Principal, order_id: uuid.UUID, *, lock: bool = False):
    query = select(o).where(o.c.id == order_id, org_scope(principal, o.c.org_unit_id))
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"dealer order {order_id} not found")
    return row


def transition(
    conn: Connection, principal: Principal, order_id: uuid.UUID, action: str, *, reason: str | None = None,
    today: date | None = None,
) -> DealerOrderOut:  # fmt: skip
    """Move an order by `action`; submit runs the credit check and may put it on hold for a manager."""
    order = _load(conn, principal, order_id, lock=True)
    current = OrderStatus(order.status)
    if current is OrderStatus.credit_hold and action == "approve" and principal.role not in CREDIT_APPROVERS:
        raise Forbidden("an order on credit hold is released by a region manager or director")
    values: dict = {}
    if action == "submit":
        decision = _credit(conn, order, today or date.today())
        values["hold_reasons"] = list(decision.reasons)
        status = next_status(current, action, on_hold=decision.on_hold)
    else:
        status = next_status(current, action)
    conn.execute(o.update().where(o.c.id == order_id).values(status=status.value, updated_at=func.now(), **values))
    return _publish(conn, principal, order_id, current.value, reason)


def _credit(conn: Connection, order, today: date):
    dealer = conn.execute(select(d).where(d.c.id == order.dealer_id).with_for_update()).one()
    return credit_check(
        credit_limit=dealer.credit_limit,
        open_invoices=open_invoices(conn, order.dealer_id),
        order_amount=order.total_amount,
        today=today,
        allowed_overdue_days=dealer.overdue_allowance_days,
    )


def _publish(
    conn: Connection, principal: Principal, order_id: uuid.UUID, previous: str | None, reason: str | None = None
) -> DealerOrderOut:
    out = get_order(conn, principal, order_id)
    outbox.add(
        conn,
        DealerOrderStatusChanged(
            order_id=out.id,
            dealer_id=out.dealer_id,
            org_unit_id=out.org_unit_id,
            status=out.status,
            previous_status=previous,
            total_quantity=out.total_quantity,
            total_amount=out.total_amount,
            hold_reasons=out.hold_reasons,
            reason=reason,
            lines=[DealerOrderLine(**line.model_dump(exclude={"line_no"})) for line in out.lines],
        ),
    )
    return out


def get_order(conn: Connection, principal: Principal, order_id: uuid.UUID) -> DealerOrderOut:
    out = DealerOrderOut.model_validate(_load(conn, principal, order_id), from_attributes=True)
    lines = conn.execute(
        select(ol, s.c.code.label("sku")).join(s, s.c.id == ol.c.sku_id).where(ol.c.order_id == order_id)
        .order_by(ol.c.line_no)
    )  # fmt: skip
    out.lines = [OrderLineOut.model_validate(r, from_attributes=True) for r in lines]
    return out


def list_orders(
    conn: Connection, principal: Principal, *, dealer_id: uuid.UUID | None, status: str | None, limit: int,
    offset: int,
) -> list[DealerOrderOut]:  # fmt: skip
    query = select(o).where(org_scope(principal, o.c.org_unit_id))
    if dealer_id:
        query = query.where(o.c.dealer_id == dealer_id)
    if status:
        query = query.where(o.c.status == status)
    rows = conn.execute(query.order_by(o.c.created_at.desc(), o.c.id).limit(limit).offset(offset))
    return [DealerOrderOut.model_validate(r, from_attributes=True) for r in rows]
