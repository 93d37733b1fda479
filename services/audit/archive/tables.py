"""The archive of every event of every service, kept as published, append-only and hash-chained."""

from sqlalchemy import BigInteger, Column, Date, DateTime, Index, Integer, String, Table, text
from sqlalchemy.dialects.postgresql import JSONB

from services.audit.db import metadata

# Every event the services publish, kept as evidence that findings can link back to. `seq` is the chain's total
# order; `hash` = sha256(prev_hash, the event's canonical bytes) (services.audit.domain.chain).
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
    Column("seq", BigInteger, nullable=False, unique=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)


Index("ix_event_archive_subject", event_archive.c.subject, event_archive.c.occurred_at)


Index("ix_event_archive_type", event_archive.c.type, event_archive.c.occurred_at)


# One row per day digested: what was published as audit.archive.digested, to be checked against the chain.
archive_digests = Table(
    "archive_digests",
    metadata,
    Column("day", Date, primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("head_hash", String(64), nullable=False),
    Column("events", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)
