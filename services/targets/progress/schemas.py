"""Request and response bodies of the progress and selling-calendar endpoints."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from shared.events.targets import OrgUnitKind
from shared.types import DecimalString, JsonInt, MoneyOut, RateOut

NodeKind = Literal["org_unit", "person"]
MARGIN_PATTERN = r"^0(\.[0-9]{1,4})?$"

# A share of one (0 .. 0.9999) as a decimal string: 0.05 = 5 percentage points.
Margin = Annotated[Decimal, DecimalString(MARGIN_PATTERN, "0.05")]


# ISO weekday 1 (Monday) .. 7 (Sunday); the schema is spelt out because the number check hides the bounds.
Weekday = Annotated[JsonInt, Field(ge=1, le=7), WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 7})]


class NodeRef(BaseModel):
    kind: NodeKind
    id: uuid.UUID
    name: str = Field(examples=["Hangzhou office"])
    org_unit_kind: OrgUnitKind | None = Field(None, description="The unit's level; none for a person")
    org_unit_id: uuid.UUID | None = Field(None, description="For a person: the unit they belonged to")


class Figures(BaseModel):
    target: MoneyOut
    actual: MoneyOut
    gap: MoneyOut = Field(description="target - actual; negative once exceeded")
    achievement_rate: RateOut | None = Field(description="actual / target; none without target")
    time_progress: RateOut = Field(description="selling days elapsed / selling days")
    selling_days: int = Field(examples=[20])
    elapsed_selling_days: int = Field(examples=[9])
    remaining_selling_days: int = Field(examples=[11])
    required_daily_run_rate: MoneyOut | None = Field(description="gap / remaining selling days")
    run_rate_forecast: MoneyOut | None = Field(description="actual / elapsed selling days x selling days")
    status: Literal["ahead", "on_track", "behind"]


class RankedNode(BaseModel):
    node: NodeRef
    figures: Figures
    rank: int = Field(examples=[2], description="Among its siblings by achievement rate; 1 is best")
    rank_of: int = Field(examples=[5])


class PeriodOut(BaseModel):
    label: str = Field(examples=["2026-03"])
    start: date
    end: date


class ProgressHeader(BaseModel):
    plan_id: uuid.UUID
    metric: str = Field(examples=["sales_amount"])
    version: int
    period: PeriodOut
    as_of: date
    margin: Decimal = Field(examples=["0.05"], description="Behind when achievement < time progress - margin")


class NodeProgressOut(ProgressHeader):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "plan_id": "6f1d1c1e-3c1a-4c1e-9a59-4d1f0e7c2a10",
                    "metric": "sales_amount",
                    "version": 2,
                    "period": {"label": "2026-03", "start": "2026-03-01", "end": "2026-03-31"},
                    "as_of": "2026-03-13",
                    "margin": "0.05",
                    "node": {
                        "kind": "org_unit",
                        "id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10",
                        "name": "Hangzhou office",
                        "org_unit_kind": "office",
                        "org_unit_id": None,
                    },
                    "figures": {
                        "target": "120000.00",
                        "actual": "45000.00",
                        "gap": "75000.00",
                        "achievement_rate": "0.3750",
                        "time_progress": "0.4500",
                        "selling_days": 22,
                        "elapsed_selling_days": 10,
                        "remaining_selling_days": 12,
                        "required_daily_run_rate": "6250.00",
                        "run_rate_forecast": "99000.00",
                        "status": "behind",
                    },
                    "rank": 3,
                    "rank_of": 5,
                    "ancestors": [],
                }
            ]
        }
    )

    node: NodeRef
    figures: Figures
    rank: int
    rank_of: int
    ancestors: list[RankedNode] = Field(
        description="From the plan's root down to the parent, as far as the "
        "caller may see; each with its own figures and rank"
    )


class RankingOut(ProgressHeader):
    parent: RankedNode
    org_units: list[RankedNode] = Field(description="The unit's child units, best achievement first")
    reps: list[RankedNode] = Field(description="The reps who belong to the unit itself, best achievement first")


class LineProgress(BaseModel):
    product_line: str = Field(examples=["BEER"], description="A plan's product line: the category of the SKUs sold")
    figures: Figures


class UnregisteredSku(BaseModel):
    sku: str = Field(examples=["SKU-9"])
    actual: MoneyOut = Field(description="What its order lines count for in the period")


class ProductLinesOut(ProgressHeader):
    node: NodeRef
    figures: Figures = Field(description="The unit's figures over every product line (as its progress says)")
    product_lines: list[LineProgress] = Field(
        description="Each product line of the plan's cells or of the SKUs sold, by name; no target reads 0"
    )
    unregistered_skus: list[UnregisteredSku] = Field(
        description="Order lines whose SKU inventory has not registered, so no product line is known for them"
    )


class AlertEvaluationOut(BaseModel):
    plan_id: uuid.UUID
    as_of: date
    periods: list[str] = Field(examples=[["2026-03", "2026-Q1", "2026"]])
    nodes_evaluated: int
    behind: int = Field(description="Node-periods behind time progress by more than the margin")
    alerts_published: int = Field(
        description="Of those, the ones that fell behind since the last evaluation or are due their weekly reminder"
    )


class CalendarSettingsIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"weekend_days": [6, 7], "behind_margin": "0.05"}]}
    )

    weekend_days: list[Weekday] = Field(
        max_length=7, description="ISO weekdays that are not selling days (6 = Saturday, 7 = Sunday)"
    )
    behind_margin: Margin


class CalendarDayIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"selling": False, "reason": "Spring Festival"}]}
    )

    selling: bool = Field(strict=True, description="false: a holiday; true: a make-up working day on a weekend")
    reason: str = Field(min_length=1, max_length=200)


class CalendarDayOut(BaseModel):
    day: date
    selling: bool
    reason: str


class SellingCalendarOut(BaseModel):
    company_id: uuid.UUID
    weekend_days: list[int] = Field(examples=[[6, 7]])
    behind_margin: Decimal = Field(examples=["0.05"])
    year: int
    selling_days: int = Field(description="Selling days in the year after weekends and exceptions")
    days: list[CalendarDayOut] = Field(description="The year's dated exceptions to the weekday rule")
