"""Request and response bodies of the stock report endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.types import DecimalString, IsoDate, JsonInt

Days = Annotated[Decimal, DecimalString(r"^[0-9]{1,3}(?:\.[0-9]{1,2})?$", "22.5")]
Share = Annotated[Decimal, DecimalString(r"^0?\.[0-9]{1,4}$", "0.3333")]
MAX_LINES = 2_000  # lines in one report sent as JSON
Count = JsonInt  # whole units (件); checked against 0..MAX_COUNT by the rules, which name the line


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64, examples=["20260201-A"])
    produced_on: IsoDate = Field(examples=["2026-02-01"])
    quantity: Count = Field(examples=[40])


class StockLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64, description="SKU code", examples=["SKU-001"])
    opening: Count | None = Field(None, description="上存; defaults to the previous report's closing")
    received: Count = Field(description="本进: received this period")
    closing: Count = Field(description="本存: counted at the period end")
    batches: list[BatchIn] = Field(
        default_factory=list, max_length=100, description="Closing stock by production batch; must sum to closing"
    )


class StockReportIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "dealer_id": "6c1f3d2e-8a7b-4c5d-9e0f-1a2b3c4d5e6f",
                    "period_end": "2026-03-15",
                    "lines": [
                        {
                            "sku": "SKU-001",
                            "opening": 300,
                            "received": 400,
                            "closing": 210,
                            "batches": [{"code": "20260201-A", "produced_on": "2026-02-01", "quantity": 210}],
                        }
                    ],
                }
            ]
        },
    )

    id: uuid.UUID | None = Field(None, description="Client-generated id, so a retried submission is recognised.")
    dealer_id: uuid.UUID
    period_end: IsoDate = Field(description="Last day of the reported week")
    period_start: IsoDate | None = Field(None, description="First day; the week ending on period_end by default")
    lines: list[StockLineIn] = Field(min_length=1, max_length=MAX_LINES)


class BulkRowIn(StockLineIn):
    """One line of a bulk file: the dealer and week it belongs to, then the line itself."""

    dealer_code: str = Field(min_length=1, max_length=64, examples=["D-0001"])
    period_end: IsoDate = Field(examples=["2026-03-15"])


class BulkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rows: list[BulkRowIn] = Field(min_length=1)


class StockLineOut(BaseModel):
    sku_id: uuid.UUID
    sku: str
    opening: int
    received: int
    closing: int
    sold: int
    previous_sold: int | None
    safety_stock: Decimal
    stock_days: Decimal | None
    band: str
    band_low_days: int
    band_high_days: int
    oldest_age_days: int | None
    near_expiry: int | None
    open_orders: int
    suggested_order: int
    flags: list[str]
    explanation: list[str] = Field(default_factory=list)


class StockReportOut(BaseModel):
    id: uuid.UUID
    dealer_id: uuid.UUID
    org_unit_id: uuid.UUID
    period_start: date
    period_end: date
    source: str
    line_count: int
    created_at: datetime
    lines: list[StockLineOut] = Field(default_factory=list)


class BulkOut(BaseModel):
    reports: int
    lines: int
    report_ids: list[uuid.UUID] = Field(description="Ids of the reports written, at most the first 1000")


class StockPolicyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"band_low_days": 20, "band_high_days": 25}]}
    )

    band_low_days: int = Field(ge=1, le=365)
    band_high_days: int = Field(ge=1, le=365)
    target_days: Days | None = Field(
        None, description="Days of cover the suggested order aims at; default: band middle"
    )
    near_expiry_fraction: Share | None = Field(
        None, description="Near expiry when less than this share of shelf life is left; default 0.3333"
    )


class StockPolicyOut(StockPolicyIn):
    org_unit_id: uuid.UUID
