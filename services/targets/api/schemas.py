"""Request and response bodies of the targets API."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.targets import OrgUnitKind


class OrgUnitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"kind": "region", "code": "EAST", "name": "East China region",
                      "parent_id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10"}]})

    kind: OrgUnitKind
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    parent_id: uuid.UUID | None = None
    id: uuid.UUID | None = Field(None, description="Client-generated id, so a retried create is recognised.")


class OrgUnitOut(BaseModel):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: OrgUnitKind
    code: str
    name: str
    path: str
    created_at: datetime


class ActualsOut(BaseModel):
    org_unit_id: uuid.UUID
    date_from: date | None
    date_to: date | None
    amount: Decimal = Field(examples=["125000.00"])
    quantity: Decimal = Field(examples=["830.000"])
    orders: int
