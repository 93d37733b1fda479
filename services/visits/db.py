"""Tables of the visits schema."""

from sqlalchemy import Column, Float, ForeignKey, Index, String, Table
from sqlalchemy.dialects.postgresql import UUID

from shared.consumer import make_inbox_table
from shared.db import created_at_column, make_metadata
from shared.dead_letters import make_dead_letters_table
from shared.http.idempotency import make_idempotency_table
from shared.org import make_org_units_table
from shared.outbox import make_outbox_table

SCHEMA = "visits"
metadata = make_metadata(SCHEMA)

org_units = make_org_units_table(metadata)  # projection of targets' org tree
outbox = make_outbox_table(metadata)
inbox = make_inbox_table(metadata)
idempotency_keys = make_idempotency_table(metadata)
dead_letters = make_dead_letters_table(metadata)
Index("ix_idempotency_keys_created_at", idempotency_keys.c.created_at)  # expiry job

dealers = Table(  # projection of inventory's dealers: outlets are supplied by one
    "dealers",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("code", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
)

outlets = Table(
    "outlets",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), ForeignKey("visits.org_units.id"), nullable=False, index=True),
    Column("dealer_id", UUID(as_uuid=True), ForeignKey("visits.dealers.id")),
    Column("grade", String(1), nullable=False),
    Column("loyalty", String(20), nullable=False),
    Column("address", String(300)),
    Column("phone", String(40)),
    Column("latitude", Float),
    Column("longitude", Float),
    created_at_column(),
)
