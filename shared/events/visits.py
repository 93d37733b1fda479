"""Events published by the visits service."""

from __future__ import annotations

import uuid

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

    def key(self) -> str:
        return str(self.outlet_id)
