"""Audit's own facts: what the rules read, filled by handlers from other services' events (or loaded in bulk).

Amounts and quantities are Decimals; positions are WGS84 degrees; `event_id` names the archived event that proves
the fact, so a finding's evidence leads back to its source events.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class SkuPrice:
    sku: str
    floor_price: Decimal
    list_price: Decimal
    event_id: str


@dataclass(frozen=True)
class PriceObservation:
    """A selling price seen on a visit (at an outlet) or reported by a dealer."""

    observation_id: str
    source: str  # "visit" | "dealer_report"
    subject: str  # "outlet:<id>" or "dealer:<id>"
    org_unit_id: uuid.UUID
    sku: str
    price: Decimal
    observed_on: date
    event_id: str


@dataclass(frozen=True)
class Shipment:
    shipment_id: str
    dealer_id: uuid.UUID
    org_unit_id: uuid.UUID  # the dealer's unit when shipped
    region_id: uuid.UUID  # the region (大区) that unit belongs to
    sku: str
    batch_code: str
    quantity: Decimal
    shipped_on: date
    event_id: str


@dataclass(frozen=True)
class BatchSighting:
    sighting_id: str
    outlet_id: uuid.UUID
    org_unit_id: uuid.UUID
    region_id: uuid.UUID
    sku: str
    batch_code: str
    seen_on: date
    event_id: str


@dataclass(frozen=True)
class VisitFact:
    visit_id: uuid.UUID
    rep_id: uuid.UUID
    outlet_id: uuid.UUID
    org_unit_id: uuid.UUID
    checked_in_at: datetime
    checked_out_at: datetime
    latitude: float | None
    longitude: float | None
    outlet_latitude: float | None
    outlet_longitude: float | None
    photo_hashes: tuple[str, ...]
    authenticity_score: Decimal | None
    event_id: str


@dataclass(frozen=True)
class StockLineFact:
    """One weekly stock-report line (进销存): sold = opening + received - closing (000)."""

    dealer_id: uuid.UUID
    org_unit_id: uuid.UUID
    sku: str
    week_start: date
    opening: Decimal
    received: Decimal
    closing: Decimal
    near_expiry: Decimal
    shipped: Decimal  # what the company shipped to the dealer that week (from shipments)
    event_id: str

    @property
    def sold(self) -> Decimal:
        return self.opening + self.received - self.closing


@dataclass(frozen=True)
class OrderFact:
    order_id: str
    dealer_id: uuid.UUID
    org_unit_id: uuid.UUID
    ordered_on: date
    amount: Decimal
    event_id: str


@dataclass(frozen=True)
class ReturnFact:
    return_id: str
    dealer_id: uuid.UUID
    org_unit_id: uuid.UUID
    returned_on: date
    amount: Decimal
    event_id: str


@dataclass(frozen=True)
class ReceivableFact:
    invoice_id: str
    dealer_id: uuid.UUID
    org_unit_id: uuid.UUID
    due_on: date
    outstanding: Decimal
    event_id: str


@dataclass(frozen=True)
class PromotionIssue:
    issue_id: str
    dealer_id: uuid.UUID
    org_unit_id: uuid.UUID
    material: str
    quantity: Decimal
    issued_on: date
    event_id: str


@dataclass(frozen=True)
class PromotionDelivery:
    delivery_id: str
    dealer_id: uuid.UUID
    outlet_id: uuid.UUID
    material: str
    quantity: Decimal
    delivered_on: date
    event_id: str


@dataclass(frozen=True)
class ComplianceFact:
    """A rep's week: visits planned by the approved schedule and visits done."""

    rep_id: uuid.UUID
    org_unit_id: uuid.UUID
    week_start: date
    planned: int
    done: int
    event_id: str


@dataclass(frozen=True)
class ProgressBehind:
    node_kind: str
    node_id: uuid.UUID
    org_unit_id: uuid.UUID
    plan_id: uuid.UUID
    period: str
    as_of: date
    achievement_rate: Decimal | None
    time_progress: Decimal
    event_id: str
