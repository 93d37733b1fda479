"""Dealers: the distributors that buy from the company and sell in a territory, with their credit terms."""

from sqlalchemy import Column, DateTime, ForeignKey, Integer, Numeric, String, Table, text
from sqlalchemy.dialects.postgresql import UUID

from services.inventory.db import metadata
from shared.db import created_at_column

dealers = Table(
    "dealers",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), ForeignKey("inventory.org_units.id"), nullable=False, index=True),
    created_at_column(),
    Column("credit_limit", Numeric(18, 2)),  # none: no limit checked
    Column("payment_terms_days", Integer, nullable=False, server_default=text("30")),
    Column("overdue_allowance_days", Integer, nullable=False, server_default=text("0")),
    Column("grade", String(10), nullable=False, server_default=text("'B'")),
    Column("status", String(20), nullable=False, server_default=text("'active'")),
    Column("band_low_days", Integer),  # a stock-days band for this dealer, overriding SKU and company
    Column("band_high_days", Integer),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)
