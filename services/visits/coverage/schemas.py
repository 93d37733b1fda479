"""Bodies of coverage metrics."""

from __future__ import annotations

import uuid
from decimal import Decimal

from pydantic import BaseModel


class CountsOut(BaseModel):
    planned: int
    done_planned: int
    visits: int
    visits_with_order: int
    minutes_in_store: float
    outlets_owned: int
    outlets_visited: int


class MetricsOut(BaseModel):
    plan_compliance: Decimal | None
    coverage: Decimal | None
    average_minutes_in_store: Decimal | None
    strike_rate: Decimal | None


class RepCoverage(BaseModel):
    rep_id: uuid.UUID
    counts: CountsOut
    metrics: MetricsOut


class CoverageOut(BaseModel):
    org_unit_id: uuid.UUID
    reps: list[RepCoverage]
    total: RepCoverage | None  # rep_id of the total is the org unit's id
