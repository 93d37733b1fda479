"""Projection of inventory's dealer orders: the rep's day shows an outlet's dealer's open orders."""

from sqlalchemy import Column, DateTime, Integer, Numeric, String, Table
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.visits.db import metadata

dealer_orders = Table(
    "dealer_orders",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("dealer_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
    Column("status", String(20), nullable=False),
    Column("total_quantity", Integer, nullable=False),
    Column("total_amount", Numeric(18, 2), nullable=False),
    Column("lines", JSONB, nullable=False),  # [{"sku": ..., "quantity": ..., "shipped": ...}]
    Column("changed_at", DateTime(timezone=True), nullable=False),  # the event's time: an older one never wins
)
