"""Bodies of manager time."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.types import IsoDate, JsonInt

Category = Literal["administration", "personal_selling", "customer_relationships", "coaching"]


class ActivityIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "id": "8d1c1b62-54f7-4f5c-9a7e-3b2f6f0a9e11",
                    "category": "customer_relationships",
                    "minutes": 90,
                    "on_date": "2026-03-16",
                    "note": "quarterly review with Xinhua Trading",
                }
            ]
        },
    )

    id: uuid.UUID = Field(description="Client-generated: a retried log is recognised")
    category: Category
    minutes: JsonInt = Field(ge=1, le=24 * 60)
    on_date: IsoDate
    note: str | None = Field(None, max_length=300)


class ActivityOut(ActivityIn):
    manager_id: uuid.UUID
    source: Literal["logged", "coaching"]


class ShareOut(BaseModel):
    category: Category
    minutes: int
    percent: Decimal
    band: tuple[Decimal, Decimal] | None
    status: Literal["within", "below", "above", "no_band"]


class PeriodOut(BaseModel):
    period_start: date
    total_minutes: int
    shares: list[ShareOut]


class ManagerTimeOut(BaseModel):
    manager_id: uuid.UUID
    period: Literal["week", "month"]
    periods: list[PeriodOut]
