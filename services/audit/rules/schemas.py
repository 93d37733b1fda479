"""Request and response bodies of rules: their defaults, subtree settings and batch runs."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from services.audit.domain.settings import Severity
from shared.types import DecimalString, IsoDate

Threshold = Annotated[Decimal, DecimalString(r"^[0-9]{1,9}(?:\.[0-9]{1,4})?$", "300", "0.6")]


class RuleOut(BaseModel):
    rule: str = Field(examples=["visit_too_short"])
    title: str
    period: str = Field(description="What a finding's period is: day, week, month, or the event's own day")
    enabled: bool
    severity: Severity
    params: dict[str, Decimal]


class SettingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = Field(None, description="Omitted: the rule's default")
    severity: Severity | None = None
    params: dict[str, Threshold] = Field(default_factory=dict, examples=[{"min_minutes": "15"}], max_length=20)


class SettingOut(BaseModel):
    rule: str
    org_unit_id: uuid.UUID
    enabled: bool
    severity: Severity
    params: dict[str, Decimal]


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period_from: IsoDate = Field(alias="from", examples=["2026-03-01"])
    period_to: IsoDate = Field(alias="to", examples=["2026-03-31"])
    as_of: IsoDate | None = Field(None, description="The day overdue and grace periods are judged on; today if omitted")
    rules: list[str] | None = Field(None, max_length=50, examples=[["price_below_floor"]])


class RunOut(BaseModel):
    rule: str
    fired: int = Field(description="Findings the rule produced over the period (new or updated)")
    opened: int
    reopened: int


class RunsOut(BaseModel):
    period_from: date
    period_to: date
    runs: list[RunOut]
