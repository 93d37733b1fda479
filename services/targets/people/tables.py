"""Tables for people, their roles and assignments, and the org tree's history."""

from sqlalchemy import Column, Date, DateTime, Index, String, Table, text
from sqlalchemy.dialects.postgresql import UUID

from services.targets.db import metadata

people = Table(
    "people",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(30), nullable=False),  # rep, supervisor, region_manager, director
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

# Which org unit a person belongs to, over time: valid_from inclusive, valid_to exclusive (NULL = still).
person_assignments = Table(
    "person_assignments",
    metadata,
    Column("person_id", UUID(as_uuid=True), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
)
Index("ix_person_assignments_org_unit", person_assignments.c.org_unit_id, person_assignments.c.valid_from)
