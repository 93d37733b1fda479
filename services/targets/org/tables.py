"""Tables of the org tree's history (the tree itself is `db.org_units`, made by the shared factory)."""

from sqlalchemy import BigInteger, Column, Date, Identity, Index, Table
from sqlalchemy.dialects.postgresql import UUID

from services.targets.db import metadata
from shared.db import Ltree

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
