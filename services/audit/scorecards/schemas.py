"""Response bodies of scorecards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

ScoredKind = Literal["org_unit", "rep", "dealer"]


class TrendPoint(BaseModel):
    week_end: date
    score: Decimal


class Scorecard(BaseModel):
    subject: str = Field(examples=["dealer:5b8f0c8e-0000-4000-8000-000000000000"])
    score: Decimal = Field(
        description="Sum over open findings of severity weight x (1 + age/30), age capped at 90 days"
    )
    open_findings: int
    trend: list[TrendPoint] = Field(description="The score at the end of each of the last weeks, oldest first")
