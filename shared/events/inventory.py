"""Events published by the inventory service."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel

from shared.events.base import Event


class DealerRegistered(Event):
    """A dealer (经销商) now buys from the company in a territory owned by an org unit."""

    type = "inventory.dealer.registered"
    version = 1
    topic = "inventory.dealers.v1"

    dealer_id: uuid.UUID
    code: str
    name: str
    org_unit_id: uuid.UUID
    credit_limit: Decimal | None = None
    payment_terms_days: int | None = None
    grade: str | None = None
    status: str | None = None

    def key(self) -> str:
        return str(self.dealer_id)


class DealerUpdated(Event):
    """A dealer's master data changed (territory, credit limit, terms, grade or status); the full new state."""

    type = "inventory.dealer.updated"
    version = 1
    topic = "inventory.dealers.v1"

    dealer_id: uuid.UUID
    code: str
    name: str
    org_unit_id: uuid.UUID
    credit_limit: Decimal | None
    payment_terms_days: int
    grade: str
    status: str

    def key(self) -> str:
        return str(self.dealer_id)


class SkuChanged(Event):
    """A SKU was registered or changed: the full new state (category, case size, shelf life, price band)."""

    type = "inventory.sku.changed"
    version = 1
    topic = "inventory.skus.v1"

    change: Literal["registered", "updated"]
    sku_id: uuid.UUID
    code: str
    name: str
    category: str
    brand: str
    unit: str
    case_size: int
    shelf_life_days: int | None
    list_price: Decimal
    price_floor: Decimal | None
    price_ceiling: Decimal | None
    band_low_days: int | None
    band_high_days: int | None
    status: str
    updated_at: datetime

    def key(self) -> str:
        return str(self.sku_id)


class OrderLine(BaseModel):
    sku: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class OrderRecorded(Event):
    """A dealer order, as of one ERP version; a later version replaces the earlier one."""

    type = "inventory.order.recorded"
    version = 1
    topic = "inventory.orders.v1"

    order_id: uuid.UUID
    erp_order_id: str
    erp_version: int
    dealer_id: uuid.UUID | None
    dealer_code: str
    org_unit_id: uuid.UUID | None
    status: str
    ordered_on: date
    currency: str
    total_quantity: Decimal
    total_amount: Decimal
    lines: list[OrderLine]

    def key(self) -> str:
        return str(self.order_id)
