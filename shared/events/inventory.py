"""Events published by the inventory service."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

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

    def key(self) -> str:
        return str(self.dealer_id)


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
