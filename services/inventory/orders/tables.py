"""Orders as ERP systems send them (latest version kept), with their priced lines."""

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Table, text
from sqlalchemy.dialects.postgresql import UUID

from services.inventory.db import metadata
from shared.db import created_at_column

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
# An order naming a dealer not registered yet waits with no dealer. Partial indexes: only waiting orders are in
# them, so recording orders of known dealers touches neither.
Index("ix_orders_waiting_code", orders.c.dealer_code, postgresql_where=orders.c.dealer_id.is_(None))
Index("ix_orders_waiting_since", orders.c.created_at, orders.c.id, postgresql_where=orders.c.dealer_id.is_(None))


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
