"""Request and response bodies of the dealer order, shipment, warehouse and stock adjustment endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.types import IsoDate, JsonInt, Price

MAX_LINES = 500
Units = JsonInt


class OrderLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64, examples=["SKU-001"])
    quantity: Units = Field(ge=1, le=10_000_000, examples=[48])
    unit_price: Price | None = Field(None, description="Default: the SKU's list price; must respect its price band")


class DealerOrderCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"dealer_id": "6c1f3d2e-8a7b-4c5d-9e0f-1a2b3c4d5e6f", "lines": [{"sku": "SKU-001", "quantity": 48}]}
            ]
        },
    )

    id: uuid.UUID | None = Field(None, description="Client-generated id, so a retried create is recognised.")
    dealer_id: uuid.UUID
    lines: list[OrderLineIn] = Field(min_length=1, max_length=MAX_LINES)
    note: str | None = Field(None, max_length=500)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "credit checked by phone"}]})

    reason: str | None = Field(None, max_length=300)


class OrderLineOut(BaseModel):
    line_no: int
    sku_id: uuid.UUID
    sku: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    shipped: int


class DealerOrderOut(BaseModel):
    id: uuid.UUID
    dealer_id: uuid.UUID
    org_unit_id: uuid.UUID
    status: str
    source: str
    currency: str
    total_quantity: int
    total_amount: Decimal
    hold_reasons: list[str]
    note: str | None
    created_at: datetime
    updated_at: datetime
    lines: list[OrderLineOut] = Field(default_factory=list)


class ShipmentLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    quantity: Units = Field(ge=1, le=10_000_000)


class ShipmentCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"lines": [{"sku": "SKU-001", "quantity": 24}]}]}
    )

    id: uuid.UUID | None = Field(None, description="Client-generated id, so a retried shipment is recognised.")
    lines: list[ShipmentLineIn] = Field(min_length=1, max_length=MAX_LINES)


class ShippedBatch(BaseModel):
    sku: str
    batch_code: str
    quantity: int


class ShipmentOut(BaseModel):
    id: uuid.UUID
    order_id: uuid.UUID
    order_status: str
    batches: list[ShippedBatch]


class WarehouseBatchIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"sku": "SKU-001", "batch_code": "20260201-A", "produced_on": "2026-02-01", "quantity": 480}]
        },
    )

    sku: str = Field(min_length=1, max_length=64)
    batch_code: str = Field(min_length=1, max_length=64)
    produced_on: IsoDate
    expires_on: IsoDate | None = Field(None, description="Default: produced_on + the SKU's shelf life")
    quantity: Units = Field(ge=1, le=100_000_000)


class WarehouseBatchOut(BaseModel):
    sku: str
    batch_code: str
    produced_on: date
    expires_on: date
    available: int


class AdjustmentCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "dealer_id": "6c1f3d2e-8a7b-4c5d-9e0f-1a2b3c4d5e6f",
                    "kind": "write_off",
                    "reason": "crushed in the dealer's warehouse",
                    "sku": "SKU-001",
                    "batch_code": "20260201-A",
                    "quantity": 6,
                }
            ]
        },
    )

    id: uuid.UUID | None = None
    dealer_id: uuid.UUID
    kind: Literal["return", "exchange", "write_off"]
    reason: str = Field(min_length=3, max_length=300)
    sku: str = Field(min_length=1, max_length=64)
    batch_code: str | None = Field(None, max_length=64)
    quantity: Units = Field(ge=1, le=10_000_000)


class AdjustmentOut(BaseModel):
    id: uuid.UUID
    dealer_id: uuid.UUID
    kind: str
    reason: str
    sku_id: uuid.UUID
    batch_code: str | None
    quantity: int
    amount: Decimal
    created_at: datetime
