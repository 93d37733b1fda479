"""Tables of the audit schema."""

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, text
from sqlalchemy.dialects.postgresql import JSONB

from shared.consumer import make_inbox_table
from shared.db import make_metadata
from shared.dead_letters import make_dead_letters_table
from shared.http.idempotency import make_idempotency_table
from shared.org import make_org_units_table
from shared.outbox import make_outbox_table

SCHEMA = "audit"
metadata = make_metadata(SCHEMA)

org_units = make_org_units_table(metadata)  # projection of targets' org tree
outbox = make_outbox_table(metadata)
inbox = make_inbox_table(metadata)
idempotency_keys = make_idempotency_table(metadata)
dead_letters = make_dead_letters_table(metadata)
Index("ix_idempotency_keys_created_at", idempotency_keys.c.created_at)  # expiry job

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
