"""The org tree's table as every service stores it (owned by targets, projected by the others)."""

from __future__ import annotations

from sqlalchemy import Column, Index, MetaData, String, Table
from sqlalchemy.dialects.postgresql import UUID

from shared.db import Ltree, created_at_column


def make_org_units_table(metadata: MetaData) -> Table:
    """The `org_units` table on a service's metadata, with a GiST index on the materialised path."""
    table = Table(
        "org_units",
        metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("parent_id", UUID(as_uuid=True), nullable=True),
        Column("kind", String(20), nullable=False),
        Column("code", String(64), nullable=False, unique=True),
        Column("name", String(200), nullable=False),
        Column("path", Ltree, nullable=False),
        created_at_column(),
    )
    Index(f"ix_{metadata.schema}_org_units_path", table.c.path, postgresql_using="gist")
    return table
