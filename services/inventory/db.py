"""Tables of the inventory schema."""

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Table, text
from sqlalchemy.dialects.postgresql import UUID

from shared.consumer import make_inbox_table
from shared.db import created_at_column, make_metadata
from shared.dead_letters import make_dead_letters_table
from shared.http.idempotency import make_idempotency_table
from shared.org import make_org_units_table
from shared.outbox import make_outbox_table

SCHEMA = "inventory"
metadata = make_metadata(SCHEMA)

org_units = make_org_units_table(metadata)  # projection of targets' org tree
outbox = make_outbox_table(metadata)
inbox = make_inbox_table(metadata)
idempotency_keys = make_idempotency_table(metadata)
dead_letters = make_dead_letters_table(metadata)
Index("ix_idempotency_keys_created_at", idempotency_keys.c.created_at)  # expiry job

dealers = Table(
    "dealers",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), ForeignKey("inventory.org_units.id"), nullable=False, index=True),
    created_at_column(),
)

orders = Table(
    "orders",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("erp_order_id", String(64), nullable=False, unique=True),
    Column("erp_version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("dealer_id", UUID(as_uuid=True), ForeignKey("inventory.dealers.id"), index=True),
    Column("dealer_code", String(64), nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), index=True),
    Column("status", String(20), nullable=False),
    Column("ordered_on", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total_quantity", Numeric(18, 3), nullable=False),
    Column("total_amount", Numeric(18, 2), nullable=False),
    created_at_column(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", UUID(as_uuid=True), ForeignKey("inventory.orders.id", ondelete="CASCADE"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("sku", String(64), nullable=False),
    Column("quantity", Numeric(18, 3), nullable=False),
    Column("unit_price", Numeric(18, 4), nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
)
