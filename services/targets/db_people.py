"""Tables for people, their roles and assignments, and the org tree's history."""

from sqlalchemy import BigInteger, Column, Date, DateTime, Identity, Index, String, Table, text
from sqlalchemy.dialects.postgresql import UUID

from services.targets.db import metadata
from shared.db import Ltree

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

# Where each org unit sat in the tree over time: valid_from inclusive (NULL = since it was set up), valid_to
# exclusive (NULL = still). A move closes the current rows of the whole subtree and opens new ones, so the
# tree as it stood on any date can be read back; a new unit inherits its parent's rows.
org_unit_history = Table(
    "org_unit_history",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
    Column("valid_from", Date),
    Column("valid_to", Date),
    Column("parent_id", UUID(as_uuid=True)),
    Column("path", Ltree, nullable=False),
)
Index(
    "uq_org_unit_history_valid_from",
    org_unit_history.c.org_unit_id,
    org_unit_history.c.valid_from,
    unique=True,
    postgresql_nulls_not_distinct=True,
)
Index(
    "uq_org_unit_history_current",
    org_unit_history.c.org_unit_id,
    unique=True,
    postgresql_where=org_unit_history.c.valid_to.is_(None),
)
Index("ix_org_unit_history_path", org_unit_history.c.path, postgresql_using="gist")
