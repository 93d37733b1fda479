"""Request and response bodies of the inventory API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field


class OrderLineOut(BaseModel):
    line_no: int
    sku: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class OrderOut(BaseModel):
    id: uuid.UUID
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
    lines: list[OrderLineOut]
    updated_at: datetime


class ErpOrderAccepted(BaseModel):
    order_id: uuid.UUID
    erp_order_id: str
    erp_version: int
    applied: bool = Field(description="False when this version (or a newer one) was already recorded")


class WaitingOrderOut(BaseModel):
    order_id: uuid.UUID
    erp_order_id: str = Field(examples=["SO-2026-000123"])
    erp_version: int
    dealer_code: str = Field(description="The dealer code no registered dealer has yet", examples=["D-0042"])
    unknown_skus: list[str] = Field(description="SKU codes of its lines not registered (never held back for these)")
    ordered_on: date
    total_amount: Decimal
    waiting_since: datetime
    age_hours: float


class WaitingOrderPage(BaseModel):
    items: list[WaitingOrderOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; absent on the last page")
