"""Request and response bodies of audit plans, spot checks and checklists."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.types import IsoDate, JsonInt

Population = Literal["outlet", "dealer", "visit"]


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_unit_id: uuid.UUID
    title: str = Field(min_length=1, max_length=200, examples=["East region quarterly market audit"])
    every_months: JsonInt = Field(ge=1, le=12, examples=[3])
    population: Population = Field(examples=["outlet"])
    sample_size: JsonInt = Field(ge=1, le=1000, examples=[20])
    first_due: IsoDate = Field(examples=["2026-04-01"])


class PlanOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_unit_id: uuid.UUID
    title: str
    every_months: int
    population: Population
    sample_size: int
    next_due: date
    created_by: str
    created_at: datetime


class SpotCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: JsonInt = Field(ge=0, le=2**31 - 1, description="The same seed draws the same sample", examples=[20260401])
    checked_on: IsoDate = Field(examples=["2026-04-01"])


class SampleItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    subject: str = Field(examples=["outlet:5b8f0c8e-0000-4000-8000-000000000000"])
    stratum: Literal["high", "medium", "low"]
    checklist: list[dict[str, Any]] | None
    checked_by: str | None
    checked_at: datetime | None


class SpotCheckOut(BaseModel):
    id: uuid.UUID
    plan_id: uuid.UUID
    org_unit_id: uuid.UUID
    population: Population
    seed: int
    checked_on: date
    items: list[SampleItem]


class ChecklistItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z0-9_]{1,50}$", examples=["price_tags_match_list"])
    passed: bool
    note: str | None = Field(None, max_length=1000, examples=["Shelf price 9.50, list 12.00"])


class ChecklistIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=200, description="A subject of the drawn sample")
    items: list[ChecklistItem] = Field(min_length=1, max_length=100)


class ChecklistOut(BaseModel):
    findings_opened: list[uuid.UUID] = Field(description="Findings for failed items (existing ones updated)")
    findings_verified: list[uuid.UUID] = Field(description="Rectifying findings whose item now passed")
