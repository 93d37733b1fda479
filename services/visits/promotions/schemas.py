"""Bodies of promotions."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.visits.outlets.schemas import Channel
from shared.types import IsoDate


class PromotionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "SPRING-26",
                    "name": "Spring Festival bundle",
                    "org_unit_id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10",
                    "starts_on": "2026-02-01",
                    "ends_on": "2026-02-28",
                    "channels": ["supermarket", "grocery"],
                    "mechanic": "buy 2 cases, get 1 free",
                    "skus": ["SKU-1"],
                }
            ]
        },
    )

    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    org_unit_id: uuid.UUID = Field(description="Runs in this org unit and everything below it")
    starts_on: IsoDate
    ends_on: IsoDate
    channels: list[Channel] = Field(default_factory=list, max_length=20, description="Empty: every channel")
    mechanic: str = Field(min_length=1, max_length=300)
    skus: list[str] = Field(default_factory=list, max_length=200)


class PromotionOut(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    org_unit_id: uuid.UUID
    starts_on: date
    ends_on: date
    channels: list[str]
    mechanic: str
    skus: list[str]
