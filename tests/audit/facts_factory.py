"""Hand-built facts for the audit rule tests (shared by the domain and the database tests)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal as D

from services.audit.domain.facts import StockLineFact, VisitFact

OUTLET_POS = (30.0, 120.0)
NS = uuid.UUID("5b8f0c8e-0000-4000-8000-000000000000")


def uid(name: str) -> uuid.UUID:
    """A stable id per name, so expected subjects can be written down."""
    return uuid.uuid5(NS, name)


def visit(
    name: str,
    *,
    rep: str = "rep-1",
    unit: uuid.UUID | None = None,
    at: str = "2026-03-14T09:00",
    until: str = "2026-03-14T09:30",
    pos: tuple[float, float] | None = OUTLET_POS,
    photos: tuple[str, ...] = (),
    score: str | None = None,
) -> VisitFact:
    return VisitFact(
        visit_id=uid(name),
        rep_id=uid(rep),
        outlet_id=uid(f"outlet-of-{name}"),
        org_unit_id=unit or uid("office"),
        checked_in_at=datetime.fromisoformat(at + "+00:00"),
        checked_out_at=datetime.fromisoformat(until + "+00:00"),
        latitude=pos[0] if pos else None,
        longitude=pos[1] if pos else None,
        outlet_latitude=OUTLET_POS[0],
        outlet_longitude=OUTLET_POS[1],
        photo_hashes=photos,
        authenticity_score=D(score) if score else None,
        event_id=f"ev-{name}",
    )


def stock(
    week: str, opening: str, received: str, closing: str, *, shipped: str | None = None, near_expiry: str = "0"
) -> StockLineFact:
    return StockLineFact(
        dealer_id=uid("dealer"),
        org_unit_id=uid("office"),
        sku="SKU-1",
        week_start=date.fromisoformat(week),
        opening=D(opening),
        received=D(received),
        closing=D(closing),
        near_expiry=D(near_expiry),
        shipped=D(received if shipped is None else shipped),
        event_id=f"ev-stock-{week}-{closing}",
    )
