"""Use cases of the event archive: keep every event as published, and read it back."""

from __future__ import annotations

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert

from services.audit.archive.schemas import ArchivedEvent
from services.audit.archive.tables import event_archive as a
from shared.consumer import Decoded


def archive_event(conn: Connection, message: Decoded) -> None:
    """Keep the event exactly as published; a redelivered event is already there."""
    env = message.envelope
    assert env is not None, "registered for published events only, which all travel in an envelope"
    conn.execute(
        insert(a)
        .values(
            event_id=env.id,
            topic=message.topic,
            type=env.type,
            version=env.dataversion,
            source=env.source,
            subject=env.subject,
            correlation_id=env.correlationid,
            occurred_at=env.time,
            data=env.data,
        )
        .on_conflict_do_nothing()
    )


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
