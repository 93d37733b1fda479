"""Bodies of routes, holidays, leave and schedules."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.types import IsoDate, JsonInt

EXAMPLE_ID = "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StartPoint(_Body):
    latitude: float = Field(ge=-90, le=90, strict=True, examples=[30.27])
    longitude: float = Field(ge=-180, le=180, strict=True, examples=[120.15])


class RouteIn(_Body):
    """A rep's outlets for one weekday, in visiting order; replaces that weekday's route."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rep_id": EXAMPLE_ID,
                    "org_unit_id": EXAMPLE_ID,
                    "weekday": 1,
                    "name": "Monday: Wensan Rd",
                    "outlet_ids": [EXAMPLE_ID],
                }
            ]
        },
    )

    rep_id: uuid.UUID
    org_unit_id: uuid.UUID
    weekday: JsonInt = Field(ge=1, le=7, description="ISO weekday, 1 = Monday")
    name: str = Field(min_length=1, max_length=100)
    start: StartPoint | None = Field(None, description="Where the rep's day starts (WGS-84)")
    outlet_ids: list[uuid.UUID] = Field(min_length=1, max_length=60)


class RouteOut(BaseModel):
    id: uuid.UUID
    rep_id: uuid.UUID
    org_unit_id: uuid.UUID
    weekday: int
    name: str
    start: StartPoint | None
    outlet_ids: list[uuid.UUID]


class HolidayIn(_Body):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"day": "2026-10-01", "name": "National Day"}]}
    )

    day: IsoDate
    name: str = Field(min_length=1, max_length=100)


class LeaveIn(_Body):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"rep_id": EXAMPLE_ID, "days": ["2026-03-09", "2026-03-10"]}]},
    )

    rep_id: uuid.UUID
    days: list[IsoDate] = Field(min_length=1, max_length=60)


class GenerateIn(_Body):
    """Generate draft schedules for every rep with a route under an org unit, for a period of up to 3 months."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"org_unit_id": EXAMPLE_ID, "period_start": "2026-03-01", "period_end": "2026-03-31"}]
        },
    )

    org_unit_id: uuid.UUID
    period_start: IsoDate
    period_end: IsoDate


class NotPlacedOut(BaseModel):
    rep_id: uuid.UUID
    outlet_id: uuid.UUID
    due_on: date
    reason: str


class GenerateOut(BaseModel):
    schedules: int
    entries: int
    kept: int = Field(description="Reps whose schedule for the period was already submitted or later: left alone")
    not_placed: list[NotPlacedOut] = Field(description="Due visits with no working day left (first 200)")


class EntryOut(BaseModel):
    id: uuid.UUID
    outlet_id: uuid.UUID
    planned_on: date
    position: int
    moved_from: date | None
    version: int


class ScheduleOut(BaseModel):
    id: uuid.UUID
    rep_id: uuid.UUID
    org_unit_id: uuid.UUID
    period_start: date
    period_end: date
    status: Literal["draft", "submitted", "approved", "published"]
    entries: list[EntryOut] = []


class EntryMove(_Body):
    """Move a planned visit to another day of the period; `version` must be the entry's current one."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"planned_on": "2026-03-17", "version": 1}]}
    )

    planned_on: IsoDate
    version: JsonInt = Field(ge=1)


class MissedIn(_Body):
    """Run daily (by a scheduler or an operator) for the day that just ended; running it again changes nothing."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"org_unit_id": EXAMPLE_ID, "before": "2026-03-17"}]}
    )

    org_unit_id: uuid.UUID
    before: IsoDate


class MissedOut(BaseModel):
    missed: int
