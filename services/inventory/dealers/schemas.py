"""Request and response bodies of the dealer endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class DealerCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "D-0001",
                    "name": "Hangzhou Xinhua Trading",
                    "org_unit_id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10",
                }
            ]
        },
    )

    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    org_unit_id: uuid.UUID
    id: uuid.UUID | None = Field(None, description="Client-generated id, so a retried create is recognised.")


class DealerOut(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    org_unit_id: uuid.UUID
    created_at: datetime
