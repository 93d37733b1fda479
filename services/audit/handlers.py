"""The audit service archives every published event and projects the org tree.

Events are archived a run at a time: one multi-row INSERT … ON CONFLICT DO NOTHING for the run (a redelivered
event is already there). Org-unit events also move the projection, record by record, in order.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert

from services.audit import db
from services.audit.service import archive_event
from shared.consumer import Decoded, batch
from shared.events.catalog import REGISTRY
from shared.events.targets import ORG_UNIT_EVENTS
from shared.org import org_unit_projector

_project_org_unit = org_unit_projector(db.org_units)
CHUNK = 5_000  # rows per INSERT: 10 parameters each


def archive_events(conn: Connection, messages: list[Decoded]) -> None:
    """Keep each event exactly as published; one statement per chunk of the run."""
    rows = [
        dict(
            event_id=m.envelope.id,
            topic=m.topic,
            type=m.envelope.type,
            version=m.envelope.dataversion,
            source=m.envelope.source,
            subject=m.envelope.subject,
            correlation_id=m.envelope.correlationid,
            occurred_at=m.envelope.time,
            data=m.envelope.data,
        )
        for m in messages
    ]
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(db.event_archive).values(rows[start : start + CHUNK]).on_conflict_do_nothing())


def _archive_and_project(conn: Connection, message: Decoded) -> None:
    archive_event(conn, message)
    _project_org_unit(conn, message)


_ARCHIVE = batch(archive_events)  # one registration object, so consecutive records of any type form one run
HANDLERS = {cls: _ARCHIVE for cls in REGISTRY.events.values()}
HANDLERS.update({cls: _archive_and_project for cls in ORG_UNIT_EVENTS})
