"""Request and response bodies of the visits API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.visits.domain.classification import ValueClass, value_class
from shared.types import JsonInt

Grade = Literal["A", "B", "C", "D"]
Loyalty = Literal["loyal", "floating", "not_trading"]  # 铁杆客户 / 游离 / 未交易
Channel = Literal["supermarket", "grocery", "convenience", "restaurant", "school", "wholesale", "other"]
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class OpeningWindow(BaseModel):
    """One window the outlet is open on a weekday (local time); several windows cover a lunch break."""

    model_config = ConfigDict(extra="forbid")

    weekday: JsonInt = Field(ge=1, le=7, description="ISO weekday, 1 = Monday", examples=[1])
    opens: str = Field(pattern=HHMM, examples=["08:00"])
    closes: str = Field(pattern=HHMM, examples=["21:00"], description="Later than opens (else 422)")


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, examples=["Wang Li"])
    role: str | None = Field(None, max_length=60, examples=["store manager"])
    phone: str | None = Field(None, max_length=40, examples=["+86 571 8888 0000"])


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
    channel: Channel = "grocery"
    owner_rep_id: uuid.UUID | None = Field(None, description="The rep who owns the outlet and visits it.")
    opening_hours: list[OpeningWindow] | None = Field(None, max_length=21, description="Null when unknown.")
    contacts: list[Contact] = Field(default_factory=list, max_length=10)


class OutletUpdate(BaseModel):
    """The fields to change; `version` (when given) must be the outlet's current one."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"grade": "B", "owner_rep_id": "5f0c6a7e-1111-4a2b-9c3d-4e5f6a7b8c9d"}]},
    )

    name: str | None = Field(None, min_length=1, max_length=200)
    dealer_id: uuid.UUID | None = None
    grade: Grade | None = None
    loyalty: Loyalty | None = None
    channel: Channel | None = None
    address: str | None = Field(None, max_length=300)
    phone: str | None = Field(None, max_length=40)
    location: Location | None = None
    owner_rep_id: uuid.UUID | None = None
    opening_hours: list[OpeningWindow] | None = Field(None, max_length=21)
    contacts: list[Contact] | None = Field(None, max_length=10)
    version: int | None = Field(ge=1, default=None, description="Optimistic concurrency: refused when stale.")


class GradeRecompute(BaseModel):
    """Recompute grades of the outlets under an org unit from the orders taken on visits in a period."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"org_unit_id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10", "days": 90}]},
    )

    org_unit_id: uuid.UUID
    days: JsonInt = Field(90, ge=1, le=730, description="Look-back window ending today.")


class GradeChange(BaseModel):
    outlet_id: uuid.UUID
    volume: str
    old_grade: Grade
    new_grade: Grade


class GradeRecomputeOut(BaseModel):
    outlets: int
    changed: list[GradeChange]


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
    channel: Channel = "grocery"
    owner_rep_id: uuid.UUID | None = None
    opening_hours: list[OpeningWindow] | None = None
    contacts: list[Contact] = []
    value_class: ValueClass | None = Field(None, description="Seed 003: value (grade) x loyalty.")
    version: int = 1

    @classmethod
    def from_row(cls, row) -> OutletOut:
        values = row._asdict()
        lat, lon = values.pop("latitude"), values.pop("longitude")
        values["value_class"] = value_class(values["grade"], values["loyalty"])
        return cls(**values, location=Location(latitude=lat, longitude=lon) if lat is not None else None)
