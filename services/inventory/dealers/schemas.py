"""Request and response bodies of the dealer endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.types import DecimalString

Money = Annotated[Decimal, DecimalString(r"^[0-9]{1,16}(?:\.[0-9]{1,2})?$", "200000.00")]
DealerGrade = Literal["A", "B", "C", "D"]
DealerStatus = Literal["active", "suspended", "closed"]


class DealerTerms(BaseModel):
    """Credit and trading terms; absent fields keep their value on an update."""

    model_config = ConfigDict(extra="forbid")

    credit_limit: Money | None = Field(None, description="Open receivables plus an order may not exceed it")
    payment_terms_days: int | None = Field(None, ge=0, le=365, description="Invoice due date = invoice date + days")
    overdue_allowance_days: int | None = Field(
        None, ge=0, le=365, description="An invoice overdue longer than this puts new orders on credit hold"
    )
    grade: DealerGrade | None = None
    status: DealerStatus | None = None
    band_low_days: int | None = Field(None, ge=1, le=365, description="Stock-days band for this dealer (low end)")
    band_high_days: int | None = Field(None, ge=1, le=365)


class DealerCreate(DealerTerms):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "D-0001",
                    "name": "Hangzhou Xinhua Trading",
                    "org_unit_id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10",
                    "credit_limit": "200000.00",
                    "payment_terms_days": 30,
                    "grade": "A",
                }
            ]
        },
    )

    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    org_unit_id: uuid.UUID
    id: uuid.UUID | None = Field(None, description="Client-generated id, so a retried create is recognised.")


class DealerUpdate(DealerTerms):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"credit_limit": "250000.00", "grade": "A"}]}
    )

    name: str | None = Field(None, min_length=1, max_length=200)
    org_unit_id: uuid.UUID | None = Field(None, description="Move the dealer to another unit of your subtree")


class DealerOut(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    org_unit_id: uuid.UUID
    credit_limit: Decimal | None
    payment_terms_days: int
    overdue_allowance_days: int
    grade: str
    status: str
    band_low_days: int | None
    band_high_days: int | None
    created_at: datetime
    updated_at: datetime
