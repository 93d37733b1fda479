"""Events of the targets service about people."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict

from shared.events.base import Event
from shared.identity import PersonRole

__all__ = ["AssignmentPeriod", "PersonAssigned", "PersonCreated", "PersonRole"]


class AssignmentPeriod(BaseModel):
    """A person belonged to an org unit from `valid_from` (inclusive) to `valid_to` (exclusive; None = still)."""

    model_config = ConfigDict(frozen=True)

    org_unit_id: uuid.UUID
    valid_from: date
    valid_to: date | None


class PersonCreated(Event):
    """A person (sales staff with a role) joined the organisation in an org unit."""

    type = "targets.person.created"
    version = 1
    topic = "targets.people.v1"

    person_id: uuid.UUID
    name: str
    role: PersonRole
    org_unit_id: uuid.UUID
    valid_from: date

    def key(self) -> str:
        return str(self.person_id)


class PersonAssigned(Event):
    """A person was (re)assigned to an org unit for a period; `assignments` is their whole history after it."""

    type = "targets.person.assigned"
    version = 1
    topic = "targets.people.v1"

    person_id: uuid.UUID
    role: PersonRole
    org_unit_id: uuid.UUID
    valid_from: date
    valid_to: date | None
    assignments: list[AssignmentPeriod]

    def key(self) -> str:
        return str(self.person_id)
