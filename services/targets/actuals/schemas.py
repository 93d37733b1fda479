"""Request and response bodies of the dealer-coverage and reconciliation endpoints."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.types import DecimalString, IsoDate, MoneyOut, QuantityOut, ShareOut

SHARE_PATTERN = r"^(0\.[0-9]{1,6}|1(\.0{1,6})?)$"

# A rep's contribution share of a dealer: above 0, at most 1, up to 6 decimals ("0.5", "0.333334", "1").
ShareValue = Annotated[Decimal, DecimalString(SHARE_PATTERN, "0.5")]


class CoveringRep(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: uuid.UUID
    share: ShareValue


class CoverageIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "valid_from": "2026-03-01",
                    "valid_to": None,
                    "reps": [
                        {"person_id": "4a3e1b52-8f0e-4c55-9d0c-1a2b3c4d5e6f", "share": "0.6"},
                        {"person_id": "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e", "share": "0.4"},
                    ],
                }
            ]
        },
    )

    valid_from: IsoDate
    valid_to: IsoDate | None = Field(None, description="Exclusive; none = until further notice")
    reps: list[CoveringRep] = Field(
        max_length=50, description="Shares must sum to 1; an empty list uncovers the dealer for the period"
    )


class CoverageSpanOut(BaseModel):
    person_id: uuid.UUID
    share: ShareOut
    valid_from: date
    valid_to: date | None


class CoverageOut(BaseModel):
    dealer_id: uuid.UUID
    dealer_code: str
    org_unit_id: uuid.UUID
    spans: list[CoverageSpanOut] = Field(description="The dealer's whole coverage history, oldest first")


class CoverageChangeOut(CoverageOut):
    reattributed_facts: int = Field(description="Facts of the changed period split again by the new shares")


class Totals(BaseModel):
    orders: int
    amount: MoneyOut
    quantity: QuantityOut


class UnattributedOrder(BaseModel):
    order_id: uuid.UUID
    erp_order_id: str = Field(examples=["SO-2026-000123"])
    dealer_code: str = Field(examples=["D-0001"])
    ordered_on: date
    amount: MoneyOut
    quantity: QuantityOut


class UnattributedGroup(BaseModel):
    reason: Literal["unknown_dealer", "unknown_org_unit", "no_covering_rep"] = Field(
        description="unknown_dealer / unknown_org_unit: in no org unit's actuals; no_covering_rep: in its org "
        "unit's actuals but no rep's"
    )
    totals: Totals
    items: list[UnattributedOrder] = Field(description="One page (limit/offset) of the orders, oldest first")


class ReconciliationOut(BaseModel):
    date_from: date
    date_to: date
    org_unit_id: uuid.UUID | None = Field(description="The subtree reported on; none = the whole company")
    received: Totals = Field(description="Orders received that count (not cancelled)")
    attributed_to_org_units: Totals = Field(description="What the top node's actual adds up to")
    attributed_to_reps: Totals | None = Field(description="Split over the covering reps of the units reported on")
    unattributed: list[UnattributedGroup]
    balanced: bool = Field(description="received = attributed to org units + unknown dealers + unknown org units")


class ActualsOut(BaseModel):
    org_unit_id: uuid.UUID
    date_from: date | None
    date_to: date | None
    amount: MoneyOut
    quantity: QuantityOut
    orders: int
