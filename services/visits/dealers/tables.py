"""Projection of inventory's dealers, kept from DealerRegistered events."""

from sqlalchemy import Column, String, Table
from sqlalchemy.dialects.postgresql import UUID

from services.visits.db import metadata

dealers = Table(  # projection of inventory's dealers: outlets are supplied by one
    "dealers",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("code", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
)
