"""Tables for actuals learned from events, and progress against targets."""
from sqlalchemy import Column, Date, DateTime, Index, Integer, Numeric, String, Table, text
from sqlalchemy.dialects.postgresql import UUID

from services.targets.db import metadata

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
