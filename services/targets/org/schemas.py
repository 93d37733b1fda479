"""Request and response bodies of the targets API."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.events.targets import OrgUnitKind
from shared.types import IsoDate


class OrgUnitCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "region",
                    "code": "EAST",
                    "name": "East China region",
                    "parent_id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10",
                }
            ]
        },
    )

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


class OrgUnitRename(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "East China region"}]})

    name: str = Field(min_length=1, max_length=200)


class OrgUnitMove(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"parent_id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10", "effective_date": "2026-11-01"}]
        },
    )

    parent_id: uuid.UUID = Field(description="The new parent; the unit keeps its whole subtree.")
    effective_date: IsoDate = Field(
        description="First day in the new place: today or earlier, and not before "
        "the subtree's or the new parent's last recorded change."
    )


class OrgUnitMoveOut(BaseModel):
    org_unit: OrgUnitOut
    old_parent_id: uuid.UUID | None
    old_path: str
    effective_date: date
    moved_units: int = Field(description="The unit and its descendants whose path changed (0: already there).")


class OrgUnitPlacementOut(BaseModel):
    """Where a unit sat in the tree over a period: valid_from inclusive (null: since it was set up), valid_to
    exclusive (null: still)."""

    org_unit_id: uuid.UUID
    valid_from: date | None
    valid_to: date | None
    parent_id: uuid.UUID | None
    path: str
