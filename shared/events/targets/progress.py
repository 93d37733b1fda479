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

    Published when a node falls behind and then at most once a week while it stays behind (per plan, node and
    period); audit and notifications consume it.
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
    # Names, so a notification reads without a lookup (optional: events published before they were added lack them).
    plan_name: str | None = None
    node_name: str | None = None  # the org unit's name, or the rep's
    org_unit_name: str | None = None  # the name of org_unit_id
    person_name: str | None = None  # set when the node is a rep
    behind_since: date | None = None  # the evaluated day the node fell behind (and has stayed behind since)

    def key(self) -> str:
        return str(self.node_id)
