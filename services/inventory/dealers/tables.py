"""Dealers: the distributors that buy from the company and sell in a territory."""

from sqlalchemy import Column, ForeignKey, String, Table
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
)
