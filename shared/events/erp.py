"""Messages ERP systems push, as plain JSON without an envelope."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from shared.events.base import InboundMessage


class ErpOrderLine(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: Decimal = Field(gt=0, max_digits=14, decimal_places=3)
    unit_price: Decimal = Field(ge=0, max_digits=14, decimal_places=4)


class ErpOrder(InboundMessage):
    """A dealer order as the ERP sees it; each change bumps `version`."""

    topic = "erp.orders.v1"

    order_id: str = Field(min_length=1, max_length=64, examples=["SO-2026-000123"])
    version: int = Field(ge=1, examples=[1])
    dealer_code: str = Field(min_length=1, max_length=64, examples=["D-0001"])
    status: Literal["confirmed", "shipped", "invoiced", "cancelled"] = "confirmed"
    ordered_on: date = Field(examples=["2026-03-14"])
    currency: str = Field("CNY", min_length=3, max_length=3)
    lines: list[ErpOrderLine] = Field(min_length=1)

    def message_id(self) -> str:
        return f"erp.order:{self.order_id}:v{self.version}"

    def key(self) -> str:
        return self.order_id
