"""Events of the targets service about the org tree."""

from __future__ import annotations

import uuid
from datetime import date

from shared.events.base import Event
from shared.identity import OrgUnitKind


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


class OrgUnitMoved(Event):
    """A node and its whole subtree now sit below another parent, from `effective_date` on."""

    type = "targets.org_unit.moved"
    version = 1
    topic = "targets.org-units.v1"

    org_unit_id: uuid.UUID
    old_parent_id: uuid.UUID | None
    parent_id: uuid.UUID
    old_path: str
    path: str
    effective_date: date
    moved_units: int

    def key(self) -> str:
        return str(self.org_unit_id)


class OrgUnitRenamed(Event):
    """A node's display name changed; its id, code and place in the tree did not."""

    type = "targets.org_unit.renamed"
    version = 1
    topic = "targets.org-units.v1"

    org_unit_id: uuid.UUID
    old_name: str
    name: str

    def key(self) -> str:
        return str(self.org_unit_id)


# Every event that changes the org tree, for the services that keep a copy of it.
ORG_UNIT_EVENTS = (OrgUnitCreated, OrgUnitMoved, OrgUnitRenamed)
