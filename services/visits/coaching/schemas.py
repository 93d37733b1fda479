"""Bodies of coaching reviews."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class CoachingIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scores": {
                        "preparation": 4,
                        "relationship": 5,
                        "stock_check": 3,
                        "display": 4,
                        "selling": 2,
                        "follow_up": 3,
                    },
                    "comment": "ask for the order earlier",
                }
            ]
        },
    )

    scores: dict[str, int] = Field(description="0-5 for every checklist criterion", max_length=20)
    comment: str | None = Field(None, max_length=1000)


class CoachingOut(BaseModel):
    id: uuid.UUID
    visit_id: uuid.UUID
    manager_id: uuid.UUID
    scores: dict[str, int]
    score_pct: float
    comment: str | None
    coaching_minutes: int
    created_at: datetime
