"""Events published by the visits service."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from shared.events.base import Event


class OutletRegistered(Event):
    """An outlet (终端) was added to the outlet master."""

    type = "visits.outlet.registered"
    version = 1
    topic = "visits.outlets.v1"

    outlet_id: uuid.UUID
    code: str
    name: str
    org_unit_id: uuid.UUID
    grade: str
    latitude: float | None = None
    longitude: float | None = None
    dealer_id: uuid.UUID | None = None
    channel: str | None = None
    loyalty: str | None = None
    value_class: str | None = None
    owner_rep_id: uuid.UUID | None = None

    def key(self) -> str:
        return str(self.outlet_id)


class OutletUpdated(Event):
    """An outlet's book entry changed (by hand or by a grade recomputation); carries the whole new state."""

    type = "visits.outlet.updated"
    version = 1
    topic = "visits.outlets.v1"

    outlet_id: uuid.UUID
    outlet_version: int
    code: str
    name: str
    org_unit_id: uuid.UUID
    dealer_id: uuid.UUID | None
    grade: str
    loyalty: str
    value_class: str
    channel: str
    owner_rep_id: uuid.UUID | None
    latitude: float | None
    longitude: float | None
    changed: list[str]

    def key(self) -> str:
        return str(self.outlet_id)


class ObservedStock(BaseModel):
    sku: str
    quantity: Decimal | None
    out_of_stock: bool
    batch_codes: list[str]


class ObservedPrice(BaseModel):
    sku: str
    brand: str
    ours: bool
    price: Decimal


class HandedMaterial(BaseModel):
    material: str
    quantity: Decimal
    recipient: str


class VisitCompleted(Event):
    """A rep checked out of an outlet: where, when, how long, what was seen, and how authentic it looks."""

    type = "visits.visit.completed"
    version = 1
    topic = "visits.visits.v1"

    visit_id: uuid.UUID
    rep_id: uuid.UUID
    outlet_id: uuid.UUID
    org_unit_id: uuid.UUID
    schedule_entry_id: uuid.UUID | None
    check_in_at: datetime
    check_out_at: datetime
    latitude: float
    longitude: float
    accuracy_m: float
    distance_m: float | None
    outside_geofence: bool
    duration_minutes: float
    flags: list[str]
    authenticity_score: float
    authenticity_signals: list[dict[str, Any]]
    stock: list[ObservedStock]
    prices: list[ObservedPrice]
    photo_hashes: list[str]
    promotion_materials: list[HandedMaterial]
    order_taken: bool

    def key(self) -> str:
        return str(self.visit_id)


class OrderRequested(Event):
    """An order an outlet gave a rep, for the supplying dealer to fulfil: taken on a visit, or recorded offline
    outside one (then `visit_id` is null)."""

    type = "visits.order.requested"
    version = 1
    topic = "visits.order-requests.v1"

    request_id: uuid.UUID  # the visit's id for an order taken on a visit; the sync operation's id otherwise
    visit_id: uuid.UUID | None = None
    outlet_id: uuid.UUID
    dealer_id: uuid.UUID | None
    rep_id: uuid.UUID
    requested_on: date
    lines: list[dict[str, Any]]

    def key(self) -> str:
        return str(self.request_id)


class VisitMissed(Event):
    """A published schedule entry's day passed with no completed visit."""

    type = "visits.visit.missed"
    version = 1
    topic = "visits.visits.v1"

    schedule_entry_id: uuid.UUID
    rep_id: uuid.UUID
    outlet_id: uuid.UUID
    planned_on: date

    def key(self) -> str:
        return str(self.schedule_entry_id)


class SchedulePublished(Event):
    """A rep's schedule for a period was approved and published."""

    type = "visits.schedule.published"
    version = 1
    topic = "visits.schedules.v1"

    schedule_id: uuid.UUID
    rep_id: uuid.UUID
    org_unit_id: uuid.UUID
    period_start: date
    period_end: date
    planned_visits: int

    def key(self) -> str:
        return str(self.schedule_id)


class PromotionCreated(Event):
    """A promotion was set up for a territory: reps carry it out in the outlets of its channels while it runs."""

    type = "visits.promotion.created"
    version = 1
    topic = "visits.promotions.v1"

    promotion_id: uuid.UUID
    code: str
    name: str
    org_unit_id: uuid.UUID
    starts_on: date
    ends_on: date
    channels: list[str]
    mechanic: str
    skus: list[str]

    def key(self) -> str:
        return str(self.promotion_id)
