"""SKUs (品项): the products dealers buy, with their case size, shelf life and price band."""

from sqlalchemy import CheckConstraint, Column, DateTime, Integer, Numeric, String, Table, text
from sqlalchemy.dialects.postgresql import UUID

from services.inventory.db import metadata
from shared.db import created_at_column

skus = Table(
    "skus",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("category", String(100), nullable=False),
    Column("brand", String(100), nullable=False),
    Column("unit", String(20), nullable=False),
    Column("case_size", Integer, nullable=False),
    Column("shelf_life_days", Integer),
    Column("list_price", Numeric(18, 4), nullable=False),
    Column("price_floor", Numeric(18, 4)),
    Column("price_ceiling", Numeric(18, 4)),
    Column("band_low_days", Integer),  # a stock-days band for this SKU, overriding the company's
    Column("band_high_days", Integer),
    Column("status", String(20), nullable=False),
    created_at_column(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    CheckConstraint("case_size > 0", name="case_size_positive"),
)
