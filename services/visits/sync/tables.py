"""Operations a phone sent from offline work: each applied once, its result kept for the retries."""

from sqlalchemy import Column, DateTime, Integer, String, Table, text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.visits.db import metadata

sync_operations = Table(
    "sync_operations",
    metadata,
    Column("op_id", UUID(as_uuid=True), primary_key=True),  # client-generated
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("device_id", String(100), nullable=False),
    Column("seq", Integer, nullable=False),  # position in the batch it first arrived in
    Column("kind", String(30), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("result", JSONB, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)
