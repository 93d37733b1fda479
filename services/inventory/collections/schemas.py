"""Request and response bodies of the collections endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.erp_collections import Money


class ErpAccepted(BaseModel):
    id: uuid.UUID
    erp_system: str
    external_id: str
    version: int
    applied: bool = Field(description="False when this version (or a newer one) was already recorded")
    waiting_for_dealer: bool = Field(description="True while the dealer it names is not registered yet")


class InvoiceOut(BaseModel):
    id: uuid.UUID
    erp_system: str
    external_id: str
    version: int
    dealer_id: uuid.UUID | None
    dealer_code: str
    invoiced_on: date
    due_on: date
    currency: str
    amount: Decimal
    written_off: Decimal
    paid: Decimal
    open_amount: Decimal


class WaitingOut(BaseModel):
    kind: str = Field(examples=["invoice"])
    id: uuid.UUID
    erp_system: str
    external_id: str
    dealer_code: str
    amount: Decimal
    waiting_since: datetime
    age_hours: float


class AgeingOut(BaseModel):
    as_of: date
    dealer_id: uuid.UUID | None
    buckets: dict[str, Decimal] = Field(examples=[{"0-30": "1200.00", "31-60": "0", "61-90": "0", ">90": "300.00"}])
    total_open: Decimal


class WriteOffCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"amount": "300.00", "reason": "dealer closed, unreachable"}]}
    )

    amount: Money
    reason: str = Field(min_length=3, max_length=300)


class WriteOffOut(BaseModel):
    id: uuid.UUID
    invoice_id: uuid.UUID
    amount: Decimal
    reason: str
    status: str
    requested_by: str
    decided_by: str | None
    created_at: datetime
