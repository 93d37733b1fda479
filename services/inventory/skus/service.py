"""Use cases for SKUs: the company-wide product master, published on every change."""

from __future__ import annotations

import uuid
from typing import Literal

from sqlalchemy import Connection, func, select

from services.inventory import db
from services.inventory.skus.schemas import SkuCreate, SkuOut, SkuUpdate
from services.inventory.skus.tables import skus as s
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.inventory import SkuChanged
from shared.ids import new_uuid
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/inventory")


def check_sku(values: dict) -> None:
    """Price floor ≤ list price ≤ ceiling, and a band whose low end is not above its high end."""
    floor, price, ceiling = values.get("price_floor"), values["list_price"], values.get("price_ceiling")
    if floor is not None and floor > price:
        raise InvalidInput(f"price floor {floor} is above the list price {price}", field="price_floor")
    if ceiling is not None and ceiling < price:
        raise InvalidInput(f"price ceiling {ceiling} is below the list price {price}", field="price_ceiling")
    low, high = values.get("band_low_days"), values.get("band_high_days")
    if (low is None) != (high is None):
        raise InvalidInput("give both ends of the stock-days band, or neither", field="band_high_days")
    if low is not None and low > high:
        raise InvalidInput(f"band low end {low} is above its high end {high}", field="band_low_days")


def _publish(conn: Connection, row, change: Literal["registered", "updated"]) -> SkuOut:
    out = SkuOut.model_validate(row, from_attributes=True)
    outbox.add(conn, SkuChanged(change=change, sku_id=out.id, **out.model_dump(exclude={"id", "created_at"})))
    return out


def register_sku(conn: Connection, command: SkuCreate) -> SkuOut:
    """Add a SKU to the product master, and publish it."""
    values = command.model_dump(exclude={"id"})
    check_sku(values)
    if conn.scalar(select(s.c.id).where(s.c.code == command.code)):
        raise Conflict(f"SKU code {command.code!r} already exists", field="code")
    sku_id = command.id or new_uuid()
    if conn.scalar(select(s.c.id).where(s.c.id == sku_id)):
        raise Conflict(f"SKU {sku_id} already exists", field="id")
    row = conn.execute(s.insert().values(id=sku_id, **values).returning(*s.c)).one()
    return _publish(conn, row, "registered")


def update_sku(conn: Connection, sku_id: uuid.UUID, command: SkuUpdate) -> SkuOut:
    """Change some fields of a SKU; the result is checked as a whole and published."""
    row = conn.execute(select(s).where(s.c.id == sku_id).with_for_update()).first()
    if row is None:
        raise NotFound(f"SKU {sku_id} not found")
    changes = command.model_dump(exclude_unset=True)
    for required in ("name", "category", "brand", "unit", "case_size", "list_price", "status"):
        if required in changes and changes[required] is None:
            raise InvalidInput(f"{required} may not be null", field=required)
    values = {**row._asdict(), **changes}
    check_sku(values)
    updated = conn.execute(
        s.update().where(s.c.id == sku_id).values(**changes, updated_at=func.now()).returning(*s.c)
    ).one()
    return _publish(conn, updated, "updated")


def get_sku(conn: Connection, sku_id: uuid.UUID) -> SkuOut:
    row = conn.execute(select(s).where(s.c.id == sku_id)).first()
    if row is None:
        raise NotFound(f"SKU {sku_id} not found")
    return SkuOut.model_validate(row, from_attributes=True)


def list_skus(conn: Connection, *, code: str | None, limit: int, offset: int) -> list[SkuOut]:
    query = select(s).order_by(s.c.code).limit(limit).offset(offset)
    if code:
        query = query.where(s.c.code == code)
    return [SkuOut.model_validate(r, from_attributes=True) for r in conn.execute(query)]
