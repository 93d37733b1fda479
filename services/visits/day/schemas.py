"""Bodies of route optimisation and the rep's day (kept small: phones on weak networks read it)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.visits.schedules.schemas import StartPoint
from shared.types import JsonInt

HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class OptimiseIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "start": {"latitude": 30.27, "longitude": 120.15},
                    "start_time": "08:30",
                    "outlet_ids": ["1f2e3d4c-5b6a-4789-8abc-def012345678"],
                    "weekday": 1,
                }
            ]
        },
    )

    start: StartPoint
    start_time: str = Field("08:00", pattern=HHMM)
    weekday: JsonInt = Field(1, ge=1, le=7, description="Whose opening hours apply (ISO, 1 = Monday)")
    outlet_ids: list[uuid.UUID] = Field(min_length=1, max_length=60)
    service_minutes: JsonInt = Field(15, ge=0, le=240, description="Time spent in each outlet")
    speed_kmh: float = Field(25, gt=0, le=120, description="Average travel speed")


class Leg(BaseModel):
    outlet_id: uuid.UUID
    leg_m: int
    arrival: str  # HH:MM
    start: str
    late_minutes: int


class OptimiseOut(BaseModel):
    legs: list[Leg]
    total_m: int
    solver: str = Field(description="ortools, or fallback when the solver found nothing in its time budget")


class Finding(BaseModel):
    """What the last visit found: when, its flags, what was out of stock, what was ordered."""

    model_config = ConfigDict(extra="ignore")

    on: date
    flags: list[str] = []
    out_of_stock: list[str] = []
    ordered: list[dict] = []


class OpenOrder(BaseModel):
    """An open order of the outlet's supplying dealer (from inventory): what the shop may ask about."""

    id: uuid.UUID
    status: str
    qty: int
    amount: str


class DayPromotion(BaseModel):
    code: str
    name: str
    mechanic: str
    ends_on: date
    skus: list[str] = []


class DayStop(BaseModel):
    outlet_id: uuid.UUID
    entry_id: uuid.UUID
    name: str
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    hours: list[str] = Field(default=[], description="Today's opening windows, HH:MM-HH:MM")
    steps: list[str] = Field(description="Steps the visit policy requires here")
    arrival: str | None = None
    leg_m: int | None = None
    last: Finding | None = None
    orders: list[OpenOrder] | None = Field(None, description="The supplying dealer's open orders (left out: none)")
    promos: list[str] | None = Field(None, description="Codes of the promotions running here today (left out: none)")


class DayOut(BaseModel):
    rep_id: uuid.UUID
    on: date
    total_m: int
    stops: list[DayStop]
    promotions: list[DayPromotion] | None = Field(None, description="Every promotion some stop runs today")
