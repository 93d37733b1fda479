"""Request and response bodies of the people endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.events.targets import PersonRole
from shared.types import IsoDate

OFFICE_ID = "5f0c2b1e-8d4a-4c55-9b1e-2f7d3c9a6e01"


class PersonCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "Wang Fang", "role": "rep", "org_unit_id": OFFICE_ID, "valid_from": "2026-01-01"}]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    role: PersonRole
    org_unit_id: uuid.UUID = Field(description="The org unit the person joins.")
    valid_from: IsoDate | None = Field(None, description="First day in that unit; today when omitted.")
    id: uuid.UUID | None = Field(None, description="Client-generated id, so a retried create is recognised.")


class AssignmentCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"org_unit_id": OFFICE_ID, "valid_from": "2026-03-01"},
                {"org_unit_id": OFFICE_ID, "valid_from": "2026-03-01", "valid_to": "2026-04-01"},
            ]
        },
    )

    org_unit_id: uuid.UUID
    valid_from: IsoDate = Field(description="First day in the unit (may be in the past or the future).")
    valid_to: IsoDate | None = Field(
        None,
        description="First day no longer in the unit; when omitted, the "
        "assignment lasts until the person's next recorded change.",
    )


class AssignmentOut(BaseModel):
    """valid_from inclusive, valid_to exclusive (null: still)."""

    org_unit_id: uuid.UUID
    valid_from: date
    valid_to: date | None


class PersonOut(BaseModel):
    id: uuid.UUID
    name: str
    role: PersonRole
    created_at: datetime
    assignment: AssignmentOut | None = Field(
        description="The assignment in force on the date asked about (today unless given); on create, the first one."
    )


class PersonHistoryOut(BaseModel):
    person_id: uuid.UUID
    name: str
    role: PersonRole
    assignments: list[AssignmentOut] = Field(description="Oldest first; periods never overlap.")


class PlacementOut(BaseModel):
    """Where a person was on a date: the unit, where that unit stood in the tree then, and the period."""

    person_id: uuid.UUID
    on: date
    org_unit_id: uuid.UUID
    org_unit_code: str
    org_unit_name: str
    path: str = Field(description="The unit's path on that date (it may have moved since).")
    valid_from: date
    valid_to: date | None


class MemberOut(BaseModel):
    """A person who was in an org unit (or below it, as the tree stood then) on a date."""

    person_id: uuid.UUID
    name: str
    role: PersonRole
    org_unit_id: uuid.UUID
    path: str = Field(description="The person's unit's path on that date.")
    valid_from: date
    valid_to: date | None
