"""Tables of the targets schema."""
from sqlalchemy import Column, Date, DateTime, Index, Integer, Numeric, String, Table, text
from sqlalchemy.dialects.postgresql import UUID

from shared.consumer import make_inbox_table
from shared.db import make_metadata
from shared.http.idempotency import make_idempotency_table
from shared.org import make_org_units_table
from shared.outbox import make_outbox_table

SCHEMA = "targets"
metadata = make_metadata(SCHEMA)

org_units = make_org_units_table(metadata)
outbox = make_outbox_table(metadata)
inbox = make_inbox_table(metadata)
idempotency_keys = make_idempotency_table(metadata)

# Actuals as learned from inventory's order events: one row per order, replaced by later ERP versions.
order_actuals = Table(
    "order_actuals",
    metadata,
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("erp_order_id", String(64), nullable=False),
    Column("erp_version", Integer, nullable=False),
    Column("dealer_id", UUID(as_uuid=True)),
    Column("org_unit_id", UUID(as_uuid=True)),
    Column("status", String(20), nullable=False),
    Column("ordered_on", Date, nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("quantity", Numeric(18, 3), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)
Index("ix_order_actuals_org_unit_day", order_actuals.c.org_unit_id, order_actuals.c.ordered_on)
