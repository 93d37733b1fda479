"""Events of the targets service about plans."""

from __future__ import annotations

import uuid

from shared.events.base import Event

__all__ = ["PlanAdjusted", "PlanPublished", "PlanStatusChanged"]


class _PlanEvent(Event):
    """Fields and key every plan event shares; not an event of its own (it has no `type`)."""

    topic = "targets.plans.v1"

    plan_id: uuid.UUID
    root_org_unit_id: uuid.UUID

    def key(self) -> str:
        return str(self.plan_id)


class PlanStatusChanged(_PlanEvent):
    """A plan moved through its lifecycle (submitted, approved, returned, published, archived)."""

    type = "targets.plan.status_changed"
    version = 1

    metric: str
    fiscal_year: int
    action: str
    from_status: str
    to_status: str
    changed_by: str


class PlanPublished(_PlanEvent):
    """A plan's targets are in force: progress is measured against `published_version` from now on."""

    type = "targets.plan.published"
    version = 1

    metric: str
    fiscal_year: int
    unit: str
    published_version: int


class PlanAdjusted(_PlanEvent):
    """An approved adjustment made a new version of a published plan, which is now the one in force."""

    type = "targets.plan.adjusted"
    version = 1

    adjustment_id: uuid.UUID
    previous_version: int
    published_version: int
    changed_cells: int
    reason: str
