"""The archive of every event of every service, kept as published."""

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, text
from sqlalchemy.dialects.postgresql import JSONB

from services.audit.db import metadata

# Every event the services publish, kept as evidence that findings can link back to.
event_archive = Table(
    "event_archive",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("topic", String(200), nullable=False),
    Column("type", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("source", String(200), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("correlation_id", String(64)),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("data", JSONB, nullable=False),
    Column("archived_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)


Index("ix_event_archive_subject", event_archive.c.subject, event_archive.c.occurred_at)


Index("ix_event_archive_type", event_archive.c.type, event_archive.c.occurred_at)
