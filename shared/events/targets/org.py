"""Events of the targets service about the org tree."""
from __future__ import annotations

import uuid
from typing import Literal

from shared.events.base import Event

OrgUnitKind = Literal["company", "region", "province", "office", "team"]


class OrgUnitCreated(Event):
    """A node was added to the sales organisation tree."""

    type = "targets.org_unit.created"
    version = 1
    topic = "targets.org-units.v1"

    org_unit_id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: OrgUnitKind
    code: str
    name: str
    path: str

    def key(self) -> str:
        return str(self.org_unit_id)
