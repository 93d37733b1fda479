"""Use cases of schedules: generate from routes and policies, adjust, submit, approve, publish."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, select

from services.visits.schedules.tables import schedule_entries as entries
from shared.errors import NotFound


def ensure_entry_of(conn: Connection, rep_id: uuid.UUID, outlet_id: uuid.UUID, entry_id: uuid.UUID) -> None:
    """A schedule entry named in a body must be this rep's, for this outlet; otherwise it does not exist."""
    found = conn.scalar(
        select(entries.c.id).where(
            entries.c.id == entry_id, entries.c.rep_id == rep_id, entries.c.outlet_id == outlet_id
        )
    )
    if found is None:
        raise NotFound(f"schedule entry {entry_id} not found", field="schedule_entry_id")
