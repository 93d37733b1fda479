"""Request and response bodies of the SKU endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from shared.types import Price

SkuStatus = Literal["active", "discontinued"]
EXAMPLE: JsonDict = {
    "code": "SKU-001",
    "name": "Jasmine tea 500 ml",
    "category": "beverages",
    "brand": "Spring Hill",
    "unit": "bottle",
    "case_size": 24,
    "shelf_life_days": 180,
    "list_price": "3.50",
    "price_floor": "3.20",
    "price_ceiling": "3.90",
}


class SkuFields(BaseModel):
    """What may change on a SKU; absent fields keep their value on an update."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    category: str | None = Field(None, min_length=1, max_length=100)
    brand: str | None = Field(None, min_length=1, max_length=100)
    unit: str | None = Field(None, min_length=1, max_length=20, examples=["bottle"])
    case_size: int | None = Field(None, ge=1, le=100_000, description="Units per case; orders round up to cases")
    shelf_life_days: int | None = Field(None, ge=1, le=36_500)
    list_price: Price | None = None
    price_floor: Price | None = Field(None, description="Lowest dealer selling price allowed (price control)")
    price_ceiling: Price | None = Field(None, description="Highest dealer selling price allowed")
    band_low_days: int | None = Field(None, ge=1, le=365, description="Stock-days band for this SKU (low end)")
    band_high_days: int | None = Field(None, ge=1, le=365)
    status: SkuStatus | None = None


class SkuCreate(SkuFields):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    id: uuid.UUID | None = Field(None, description="Client-generated id, so a retried create is recognised.")
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=100)
    brand: str = Field(min_length=1, max_length=100)
    unit: str = Field(min_length=1, max_length=20)
    case_size: int = Field(ge=1, le=100_000)
    list_price: Price
    status: SkuStatus = "active"


class SkuUpdate(SkuFields):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"list_price": "3.60"}]})


class SkuOut(BaseModel):
    id: uuid.UUID
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
    created_at: datetime
    updated_at: datetime
