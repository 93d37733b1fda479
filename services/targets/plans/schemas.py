"""Request and response bodies of the target plan endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.types import DecimalString, IsoDate, JsonInt, MoneyOut, ShareOut

# Exact numbers travel as strings. Negative values pass the schema on purpose: the decomposition engine
# refuses them with a 422 naming the field, like every other business rule.
NUMBER_PATTERN = r"^-?[0-9]{1,15}(?:\.[0-9]{1,6})?$"
Number = Annotated[Decimal, DecimalString(NUMBER_PATTERN, "1200000", "0.5")]
Metric = Literal["sales_amount", "volume", "collections", "expense_budget", "coverage", "new_outlets"]
Status = Literal["draft", "submitted", "approved", "published", "archived"]
SplitMethod = Literal["equal", "historical_share", "market_potential", "manual", "blend"]
ParentKind = Literal["company", "region", "province", "office", "team"]
LeafLevel = Literal["region", "province", "office", "team", "rep"]
ProductLine = Annotated[str, Field(max_length=64, pattern=r"^[^\x00-\x1f\\]*$", examples=["P01"])]
Reason = Annotated[str, Field(min_length=1, max_length=500)]
Note = Annotated[str | None, Field(max_length=500)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlanCreate(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "East region sales 2027",
                    "metric": "sales_amount",
                    "fiscal_year": 2027,
                    "unit": "CNY",
                    "rounding_step": "100",
                    "root_org_unit_id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10",
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    metric: Metric
    fiscal_year: JsonInt = Field(ge=2000, le=2100)
    unit: str = Field(min_length=1, max_length=20, examples=["CNY"])
    rounding_step: Number = Field(description="Targets are whole multiples of this (at most 2 decimals)")
    root_org_unit_id: uuid.UUID = Field(description="The org unit handed the target")
    id: uuid.UUID | None = Field(None, description="Client-generated id, so a retried create is recognised.")


class PlanOut(BaseModel):
    id: uuid.UUID
    name: str
    metric: Metric
    fiscal_year: int
    unit: str
    rounding_step: MoneyOut
    root_org_unit_id: uuid.UUID
    status: Status
    current_version: int
    published_version: int | None
    created_by: str | None
    created_at: datetime


class TransitionIn(Strict):
    note: Note = None


class StatusChangeOut(BaseModel):
    action: str
    from_status: Status
    to_status: Status
    changed_by: str
    note: str | None
    created_at: datetime


class VersionOut(BaseModel):
    version: int
    reason: str | None
    created_by: str
    created_at: datetime
    based_on: int | None
    adjustment_id: uuid.UUID | None
    proposal_id: uuid.UUID | None = Field(None, description="The proposal whose decision made this draft version")
    published: bool = Field(description="This is the version in force")


class GrowthBoundsIn(Strict):
    min_growth: Number | None = Field(None, description="Floor on growth vs last year, e.g. -0.1 = -10 %")
    max_growth: Number | None = Field(None, description="Ceiling on growth vs last year, e.g. 0.3 = +30 %")


class SplitIn(Strict):
    """How a parent's value is split over its children."""

    method: SplitMethod = "equal"
    history_period: str | None = Field(
        None,
        min_length=1,
        max_length=40,
        examples=["2026"],
        description="historical_share: whose actuals (nodes[].history keys) weigh",
    )
    indicator_weights: dict[str, Number] | None = Field(
        None, max_length=20, examples=[{"population": "2", "income_per_head": "1", "outlet_count": "1"}]
    )
    blend_weights: dict[str, Number] | None = Field(
        None, max_length=5, examples=[{"historical_share": "0.7", "market_potential": "0.3"}]
    )
    growth_bounds: GrowthBoundsIn | None = None


class LevelSplitIn(SplitIn):
    parent_kind: ParentKind = Field(description="Applies to every parent of this kind")


class ParentSplitIn(SplitIn):
    parent_id: uuid.UUID = Field(description="Applies to this one parent unit")


class NodeIn(Strict):
    """What the methods weigh one child by, and the manager's lock on it."""

    node_id: uuid.UUID = Field(description="An org unit, or a rep (person id)")
    locked_value: Number | None = None
    history: dict[str, Number] | None = Field(None, max_length=10, examples=[{"2026": "950000"}])
    indicators: dict[str, Number] | None = Field(None, max_length=20, examples=[{"population": "8300000"}])
    manual_weight: Number | None = None
    last_year: Number | None = Field(None, description="Last year's actual: the base of the growth bounds")


class ProductShareIn(Strict):
    product_line: ProductLine
    share: Number


class ProductSeasonalityIn(Strict):
    product_line: ProductLine
    profile: list[Number] = Field(min_length=12, max_length=12)


class DecompositionIn(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "parent_value": "1200000",
                    "leaf_level": "rep",
                    "split": {"method": "equal"},
                    "levels": [
                        {
                            "parent_kind": "region",
                            "method": "market_potential",
                            "indicator_weights": {"population": "2", "outlet_count": "1"},
                        }
                    ],
                    "nodes": [
                        {
                            "node_id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10",
                            "indicators": {"population": "8300000", "outlet_count": "412"},
                        }
                    ],
                    "product_shares": [{"product_line": "P01", "share": "3"}, {"product_line": "P02", "share": "1"}],
                    "seasonality": ["14", "6", "8", "8", "8", "8", "8", "8", "8", "8", "8", "8"],
                }
            ]
        },
    )

    parent_value: Number = Field(description="The yearly target handed to the plan's root unit")
    leaf_level: LeafLevel = Field("rep", description="The deepest level to split down to")
    split: SplitIn = Field(default_factory=SplitIn, description="Default split for every parent")
    levels: list[LevelSplitIn] = Field(default_factory=list, max_length=5)
    parent_splits: list[ParentSplitIn] = Field(default_factory=list, max_length=5000)
    nodes: list[NodeIn] = Field(default_factory=list, max_length=50000)
    product_shares: list[ProductShareIn] = Field(
        default_factory=list, max_length=1000, description="Share of each product line; none = one line ''"
    )
    seasonality: list[Number] | None = Field(
        None, min_length=12, max_length=12, description="12 monthly weights; none = equal months"
    )
    product_seasonality: list[ProductSeasonalityIn] = Field(default_factory=list, max_length=1000)
    as_of: IsoDate | None = Field(None, description="Reps assigned on this date (default: today)")


class ChildSplitOut(BaseModel):
    node_id: uuid.UUID
    kind: str = Field(examples=["office"])
    value: MoneyOut
    locked: bool
    sentence: str


class DecompositionOut(BaseModel):
    plan_id: uuid.UUID
    version: int
    parent_value: MoneyOut
    leaves: int
    product_lines: int
    cells: int
    children: list[ChildSplitOut] = Field(description="How the root's value was split")


class ProposalOut(BaseModel):
    id: uuid.UUID
    plan_id: uuid.UUID
    version: int
    org_unit_id: uuid.UUID
    parent_id: uuid.UUID
    split_value: MoneyOut
    proposed_value: MoneyOut
    final_value: MoneyOut | None
    reason: str
    status: Literal["pending", "accepted", "rejected", "rebalanced"]
    proposed_by: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime


class SplitChildOut(ChildSplitOut):
    weight: Decimal | None
    share: ShareOut
    raw_value: MoneyOut
    explanation: dict[str, Any]
    proposals: list[ProposalOut] = Field(description="Pending proposals for this child, beside the split")


class SplitOut(BaseModel):
    plan_id: uuid.UUID
    version: int
    parent_id: uuid.UUID
    parent_kind: str
    parent_value: MoneyOut
    method: str
    children: list[SplitChildOut]


class CellOut(BaseModel):
    org_unit_id: uuid.UUID
    person_id: uuid.UUID | None
    product_line: str
    month: int = Field(ge=1, le=12)
    value: MoneyOut


class ExplanationStep(BaseModel):
    kind: Literal["org_split", "product_month", "override"]
    node_id: uuid.UUID | None
    parent_id: uuid.UUID | None
    detail: dict[str, Any]
    sentence: str


class CellExplanationOut(BaseModel):
    plan_id: uuid.UUID
    version: int
    cell: CellOut
    steps: list[ExplanationStep] = Field(description="From the root's split down to this cell")
    sentence: str


class CellChangeIn(Strict):
    org_unit_id: uuid.UUID
    person_id: uuid.UUID | None = None
    product_line: ProductLine = ""
    month: JsonInt = Field(ge=1, le=12)
    value: Number


class AdjustmentIn(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "reason": "Typhoon closed the Ningbo port for three weeks",
                    "changes": [
                        {
                            "org_unit_id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10",
                            "product_line": "P01",
                            "month": 8,
                            "value": "7200",
                        }
                    ],
                }
            ]
        },
    )

    reason: Reason
    changes: list[CellChangeIn] = Field(min_length=1, max_length=20000)
    id: uuid.UUID | None = Field(None, description="Client-generated id, so a retried create is recognised.")
    reopen_reason: Reason | None = Field(
        None,
        description="Admin only: why cells of closed months (before the current one) may change after all",
        examples=["ERP restated March after the audit"],
    )


class CellChangeOut(BaseModel):
    org_unit_id: uuid.UUID
    person_id: uuid.UUID | None
    product_line: str
    month: int
    value: MoneyOut
    reopened: str | None = Field(None, description="For a closed month: the admin who reopened it, and why")


class AdjustmentOut(BaseModel):
    id: uuid.UUID
    plan_id: uuid.UUID
    status: Literal["pending", "approved", "rejected"]
    base_version: int
    new_version: int | None
    reason: str
    changes: list[CellChangeOut]
    requested_by: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime


class DecisionIn(Strict):
    note: Note = None


class CellDiffOut(BaseModel):
    org_unit_id: uuid.UUID
    person_id: uuid.UUID | None
    product_line: str
    month: int
    old_value: MoneyOut | None
    new_value: MoneyOut | None
    delta: MoneyOut


class DiffOut(BaseModel):
    plan_id: uuid.UUID
    from_version: int
    to_version: int
    changed_cells: int
    total_delta: MoneyOut
    cells: list[CellDiffOut]


class ProposalIn(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "org_unit_id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10",
                    "proposed_value": "280000",
                    "reason": "Two of our largest dealers are closing in Q2",
                }
            ]
        },
    )

    org_unit_id: uuid.UUID = Field(description="The child unit whose yearly number is proposed")
    proposed_value: Number
    reason: Reason
    id: uuid.UUID | None = Field(None, description="Client-generated id, so a retried create is recognised.")


class RebalanceIn(Strict):
    value: Number = Field(description="The value the parent settles on for the child")
    note: Note = None


class ImportOut(BaseModel):
    kind: Literal["targets", "weights"]
    rows: int
    cells_written: int = 0
    weights_written: int = 0
    adjustment_id: uuid.UUID | None = Field(None, description="Published plan: the adjustment request created")
    encoding: str | None = Field(
        None, description="How the file was read: xlsx, UTF-8 or GB18030/GBK", examples=["UTF-8"]
    )
