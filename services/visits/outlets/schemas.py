"""Request and response bodies of the visits API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Grade = Literal["A", "B", "C", "D"]
Loyalty = Literal["loyal", "floating", "not_trading"]  # 铁杆客户 / 游离 / 未交易


class Location(BaseModel):
    """Where the outlet is on a map (WGS-84), used to check that a visit's check-in happened there."""

    model_config = ConfigDict(extra="forbid")

    latitude: float = Field(ge=-90, le=90, strict=True, examples=[30.2825])
    longitude: float = Field(ge=-180, le=180, strict=True, examples=[120.1332])


class OutletCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "O-000123",
                    "name": "Lianhua Supermarket Wensan Rd",
                    "org_unit_id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10",
                    "grade": "A",
                    "loyalty": "loyal",
                    "address": "Wensan Rd 88, Hangzhou",
                    "location": {"latitude": 30.2825, "longitude": 120.1332},
                }
            ]
        },
    )

    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    org_unit_id: uuid.UUID
    dealer_id: uuid.UUID | None = None
    grade: Grade = "C"
    loyalty: Loyalty = "not_trading"
    address: str | None = Field(None, max_length=300)
    phone: str | None = Field(None, max_length=40)
    location: Location | None = None
    id: uuid.UUID | None = Field(None, description="Client-generated id, so a retried create is recognised.")


class OutletOut(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    org_unit_id: uuid.UUID
    dealer_id: uuid.UUID | None
    grade: Grade
    loyalty: Loyalty
    address: str | None
    phone: str | None
    location: Location | None
    created_at: datetime

    @classmethod
    def from_row(cls, row) -> OutletOut:
        values = row._asdict()
        lat, lon = values.pop("latitude"), values.pop("longitude")
        return cls(**values, location=Location(latitude=lat, longitude=lon) if lat is not None else None)
