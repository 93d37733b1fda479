"""Visit policy bodies."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.types import JsonInt

Step = Literal["stock_check", "display", "prices", "competitor_activity", "promotion_materials", "order", "feedback"]


class PolicyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "interval_weeks": 1,
                    "minimum_minutes": 20,
                    "radius_m": 150,
                    "required_steps": {"supermarket": ["stock_check", "display", "prices"], "*": ["stock_check"]},
                }
            ]
        },
    )

    interval_weeks: JsonInt = Field(ge=1, le=26, description="1 weekly, 2 fortnightly, 4 monthly")
    minimum_minutes: JsonInt = Field(ge=0, le=480)
    radius_m: float = Field(ge=10, le=5000, description="Check-ins farther than this are flagged")
    required_steps: dict[str, list[Step]] = Field(
        default_factory=dict, max_length=20, description='Per channel; "*" applies to channels not listed'
    )


class PolicyOut(PolicyIn):
    grade: Literal["A", "B", "C", "D"]
