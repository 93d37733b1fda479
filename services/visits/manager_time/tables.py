"""Where managers' time goes: activities logged by hand or derived (a coaching review logs coaching time)."""

from sqlalchemy import Column, Date, Integer, String, Table
from sqlalchemy.dialects.postgresql import UUID

from services.visits.db import metadata
from shared.db import created_at_column

manager_activities = Table(
    "manager_activities",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),  # client-generated, so a retried log is recognised
    Column("manager_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
    Column("category", String(30), nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("on_date", Date, nullable=False),
    Column("source", String(20), nullable=False),  # logged, coaching
    Column("note", String(300)),
    created_at_column(),
)
