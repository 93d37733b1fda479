"""Events of the targets service about progress."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from shared.events.base import Event

__all__: list[str] = ["ProgressBehind"]


class ProgressBehind(Event):
    """A node's achievement rate is behind its time progress by more than the margin, as of a day.

    Published at most once per plan, node, period and as-of day; audit and notifications consume it.
    """

    type = "targets.progress.behind"
    version = 1
    topic = "targets.alerts.v1"

    plan_id: uuid.UUID
    metric: str
    node_kind: Literal["org_unit", "person"]
    node_id: uuid.UUID
    org_unit_id: uuid.UUID  # the unit itself, or the rep's unit: whose managers should hear of it
    period: str
    period_start: date
    period_end: date
    as_of: date
    target: Decimal
    actual: Decimal
    gap: Decimal
    achievement_rate: Decimal | None
    time_progress: Decimal
    margin: Decimal

    def key(self) -> str:
        return str(self.node_id)
