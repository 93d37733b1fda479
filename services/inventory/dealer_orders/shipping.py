"""Warehouse batches in, shipments out first-expiry-first-out, and returns, exchanges and write-offs at dealers."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects.postgresql import insert

from services.inventory import db
from services.inventory.dealer_orders.schemas import (
    AdjustmentCreate,
    AdjustmentOut,
    ShipmentCreate,
    ShipmentOut,
    ShippedBatch,
    WarehouseBatchIn,
    WarehouseBatchOut,
)
from services.inventory.dealer_orders.service import _load, _publish
from services.inventory.dealer_orders.tables import dealer_order_lines as ol
from services.inventory.dealer_orders.tables import dealer_orders as o
from services.inventory.dealer_orders.tables import shipment_lines, shipments, stock_adjustments, warehouse_batches
from services.inventory.dealers.service import visible_dealer
from services.inventory.domain.allocation import StockBatch, allocate_fefo
from services.inventory.domain.dealer_orders import OrderStatus, next_status
from services.inventory.skus.tables import skus as s
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.inventory import ShipmentDispatched, ShippedBatchLine, StockAdjusted
from shared.identity import Principal
from shared.ids import new_uuid
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/inventory")
wb = warehouse_batches


def _sku(conn: Connection, code: str, field: str):
    sku = conn.execute(select(s).where(s.c.code == code)).first()
    if sku is None:
        raise NotFound(f"SKU {code!r} not found", field=field)
    return sku


def receive_batch(conn: Connection, command: WarehouseBatchIn) -> WarehouseBatchOut:
    """Goods of one production batch arrive in the company warehouse (added to what is there)."""
    sku = _sku(conn, command.sku, "sku")
    expires = command.expires_on
    if expires is None:
        if sku.shelf_life_days is None:
            raise InvalidInput("the SKU has no shelf life: give expires_on", field="expires_on")
        expires = command.produced_on + timedelta(days=sku.shelf_life_days)
    if expires <= command.produced_on:
        raise InvalidInput("expires_on must be after produced_on", field="expires_on")
    values = dict(sku_id=sku.id, batch_code=command.batch_code, produced_on=command.produced_on, expires_on=expires)
    row = conn.execute(
        insert(wb).values(**values, available=command.quantity)
        .on_conflict_do_update(index_elements=[wb.c.sku_id, wb.c.batch_code],
                               set_={"available": wb.c.available + command.quantity})
        .returning(wb)
    ).one()  # fmt: skip
    if (row.produced_on, row.expires_on) != (command.produced_on, expires):
        raise Conflict(f"batch {command.batch_code} is known with other dates", field="batch_code")
    return WarehouseBatchOut(sku=sku.code, **{k: getattr(row, k) for k in WarehouseBatchOut.model_fields if k != "sku"})


def ship(conn: Connection, principal: Principal, order_id: uuid.UUID, command: ShipmentCreate) -> ShipmentOut:
    """Ship part or all of an approved order, taking each SKU from the batches that expire first."""
    order = _load(conn, principal, order_id, lock=True)
    if command.id is not None and conn.scalar(select(shipments.c.order_id).where(shipments.c.id == command.id)):
        return _shipment_out(conn, command.id, order.status)
    current = OrderStatus(order.status)
    next_status(current, "ship")  # 409 unless approved or partly shipped
    lines = {r.code: r for r in conn.execute(
        select(ol, s.c.code).join(s, s.c.id == ol.c.sku_id).where(ol.c.order_id == order_id).with_for_update(of=ol)
    )}  # fmt: skip
    shipment_id = command.id or new_uuid()
    conn.execute(shipments.insert().values(id=shipment_id, order_id=order_id, shipped_by=principal.subject))
    shipped: list[ShippedBatchLine] = []
    for i, request in enumerate(command.lines):
        line = lines.get(request.sku)
        if line is None:
            raise InvalidInput(f"SKU {request.sku!r} is not on this order", field=f"lines[{i}].sku")
        if line.shipped + request.quantity > line.quantity:
            left = line.quantity - line.shipped
            raise InvalidInput(f"only {left} of {request.sku} left to ship", field=f"lines[{i}].quantity")
        batches = conn.execute(select(wb).where(wb.c.sku_id == line.sku_id, wb.c.available > 0).with_for_update()).all()
        allocations, short = allocate_fefo(
            [StockBatch(b.batch_code, b.expires_on, b.available) for b in batches], request.quantity
        )
        if short:
            raise InvalidInput(f"the warehouse is {short} short of {request.sku}", field=f"lines[{i}].quantity")
        for a in allocations:
            conn.execute(
                wb.update().where(wb.c.sku_id == line.sku_id, wb.c.batch_code == a.code)
                .values(available=wb.c.available - a.quantity)
            )  # fmt: skip
            shipped.append(
                ShippedBatchLine(sku_id=line.sku_id, sku=request.sku, batch_code=a.code, quantity=a.quantity)
            )
        conn.execute(
            ol.update().where(ol.c.order_id == order_id, ol.c.line_no == line.line_no)
            .values(shipped=ol.c.shipped + request.quantity)
        )  # fmt: skip
    conn.execute(
        shipment_lines.insert(), [dict(shipment_id=shipment_id, **b.model_dump(exclude={"sku"})) for b in shipped]
    )
    left = conn.scalar(select(func.sum(ol.c.quantity - ol.c.shipped)).where(ol.c.order_id == order_id))
    status = next_status(current, "ship", fully_shipped=left == 0)
    conn.execute(o.update().where(o.c.id == order_id).values(status=status.value, updated_at=func.now()))
    outbox.add(
        conn,
        ShipmentDispatched(
            shipment_id=shipment_id, order_id=order_id, dealer_id=order.dealer_id, org_unit_id=order.org_unit_id,
            lines=shipped,
        ),
    )  # fmt: skip
    _publish(conn, principal, order_id, current.value)
    return _shipment_out(conn, shipment_id, status.value)


def _shipment_out(conn: Connection, shipment_id: uuid.UUID, status: str) -> ShipmentOut:
    rows = conn.execute(
        select(shipment_lines, s.c.code, shipments.c.order_id)
        .join(s, s.c.id == shipment_lines.c.sku_id)
        .join(shipments, shipments.c.id == shipment_lines.c.shipment_id)
        .where(shipment_lines.c.shipment_id == shipment_id)
        .order_by(s.c.code, shipment_lines.c.batch_code)
    ).all()
    return ShipmentOut(
        id=shipment_id,
        order_id=rows[0].order_id,
        order_status=status,
        batches=[ShippedBatch(sku=r.code, batch_code=r.batch_code, quantity=r.quantity) for r in rows],
    )


def record_adjustment(conn: Connection, principal: Principal, command: AdjustmentCreate) -> AdjustmentOut:
    """A return, exchange or damage write-off at a dealer, valued at list price, with its reason; published."""
    dealer = visible_dealer(conn, principal, command.dealer_id)
    sku = _sku(conn, command.sku, "sku")
    adjustment_id = command.id or new_uuid()
    stored = conn.execute(select(stock_adjustments).where(stock_adjustments.c.id == adjustment_id)).first()
    if stored is not None:
        return AdjustmentOut.model_validate(stored, from_attributes=True)
    amount = (sku.list_price * command.quantity).quantize(Decimal("0.01"), ROUND_HALF_UP)
    values = command.model_dump(exclude={"id", "sku", "dealer_id"})
    row = conn.execute(
        stock_adjustments.insert().values(
            id=adjustment_id, dealer_id=dealer.id, org_unit_id=dealer.org_unit_id, sku_id=sku.id, amount=amount,
            created_by=principal.subject, **values,
        ).returning(stock_adjustments)
    ).one()  # fmt: skip
    outbox.add(
        conn,
        StockAdjusted(
            adjustment_id=adjustment_id, dealer_id=dealer.id, org_unit_id=dealer.org_unit_id, sku_id=sku.id,
            sku=sku.code, amount=amount, **values,
        ),
    )  # fmt: skip
    return AdjustmentOut.model_validate(row, from_attributes=True)
