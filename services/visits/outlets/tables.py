"""The outlet master (终端): shops, supermarkets and canteens reps visit."""

from sqlalchemy import Column, DateTime, Float, ForeignKey, Integer, String, Table, text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.visits.db import metadata
from shared.db import created_at_column

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
    # The outlet book (issue 12): channel, hours, the rep who owns the outlet, contacts; version counts changes.
    Column("channel", String(20), nullable=False, server_default="grocery"),
    Column("owner_rep_id", UUID(as_uuid=True), index=True),
    Column("opening_hours", JSONB),  # [{"weekday": 1, "opens": "08:00", "closes": "21:00"}], null = unknown
    Column("contacts", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("updated_at", DateTime(timezone=True)),
)
