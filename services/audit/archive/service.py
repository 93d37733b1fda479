"""Use cases of the event archive: keep every event as published, and read it back."""

from __future__ import annotations

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert

from services.audit.archive.schemas import ArchivedEvent
from services.audit.archive.tables import event_archive as a
from shared.consumer import Decoded


def archive_event(conn: Connection, message: Decoded) -> None:
    """Keep the event exactly as published; a redelivered event is already there."""
    archive_events(conn, [message])


def archive_events(conn: Connection, messages: list[Decoded]) -> None:
    """Keep each event exactly as published, with multi-row INSERT … ON CONFLICT DO NOTHING (executemany)."""
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
    if rows:
        # RETURNING makes SQLAlchemy send multi-row INSERTs (1,000 rows each) instead of one per row.
        conn.execute(insert(a).on_conflict_do_nothing().returning(a.c.event_id), rows).all()


def list_events(
    conn: Connection, *, type_: str | None, subject: str | None, correlation_id: str | None, limit: int, offset: int
) -> list[ArchivedEvent]:
    query = select(*[c for c in a.c if c.name != "archived_at"]).order_by(a.c.occurred_at, a.c.event_id)
    if type_:
        query = query.where(a.c.type == type_)
    if subject:
        query = query.where(a.c.subject == subject)
    if correlation_id:
        query = query.where(a.c.correlation_id == correlation_id)
    return [
        ArchivedEvent.model_validate(r, from_attributes=True) for r in conn.execute(query.limit(limit).offset(offset))
    ]
