"""Messages ERP systems push, as plain JSON without an envelope."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shared.events.base import InboundMessage
from shared.types import IsoDate, JsonInt, Price, Quantity

MAX_LINES_PER_ORDER = 1000  # past it: 400 over HTTP, the DLQ over Kafka


class ErpOrderLine(BaseModel):
    sku: str = Field(min_length=1, max_length=64, examples=["SKU-001"])
    quantity: Quantity
    unit_price: Price


class ErpOrder(InboundMessage):
    """A dealer order as the ERP sees it; each change bumps `version`."""

    topic = "erp.orders.v1"

    order_id: str = Field(min_length=1, max_length=64, examples=["SO-2026-000123"])
    version: JsonInt = Field(ge=1, le=2**31 - 1, examples=[1])
    dealer_code: str = Field(min_length=1, max_length=64, examples=["D-0001"])
    status: Literal["confirmed", "shipped", "invoiced", "cancelled"] = "confirmed"
    ordered_on: IsoDate = Field(examples=["2026-03-14"])
    currency: str = Field("CNY", min_length=3, max_length=3)
    lines: list[ErpOrderLine] = Field(
        min_length=1, max_length=MAX_LINES_PER_ORDER, description=f"At most {MAX_LINES_PER_ORDER} lines."
    )

    def message_id(self) -> str:
        return f"erp.order:{self.order_id}:v{self.version}"

    def key(self) -> str:
        return self.order_id
