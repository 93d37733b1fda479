"""The org tree as every service stores it (owned by targets, projected by the others) and scope filters."""
from __future__ import annotations

import uuid

from sqlalchemy import Column, ColumnElement, Connection, Index, MetaData, String, Table, false, select, true
from sqlalchemy.dialects.postgresql import UUID

from shared.auth import Principal
from shared.db import Ltree, created_at_column
from shared.errors import NotFound

ORG_UNIT_KINDS = ("company", "region", "province", "office", "team")


def make_org_units_table(metadata: MetaData) -> Table:
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


def path_label(org_unit_id: uuid.UUID) -> str:
    """ltree labels allow only letters, digits and underscores: a uuid's hex fits."""
    return org_unit_id.hex


def subtree_ids(org_units: Table, root_id: uuid.UUID):
    """A select of the ids of `root_id` and everything below it."""
    root_path = select(org_units.c.path).where(org_units.c.id == root_id).scalar_subquery()
    return select(org_units.c.id).where(org_units.c.path.op("<@")(root_path))


def scope_condition(org_units: Table, principal: Principal, org_unit_column: ColumnElement) -> ColumnElement:
    """Rows whose org unit lies in the caller's subtree."""
    if principal.sees_everything:
        return true()
    if principal.org_unit_id is None:
        return false()
    return org_unit_column.in_(subtree_ids(org_units, principal.org_unit_id))


def ensure_in_scope(conn: Connection, org_units: Table, principal: Principal, org_unit_id: uuid.UUID) -> None:
    """404 when the org unit is unknown or outside the caller's subtree (the two look the same on purpose)."""
    found = conn.scalar(
        select(org_units.c.id).where(org_units.c.id == org_unit_id,
                                     scope_condition(org_units, principal, org_units.c.id))
    )
    if found is None:
        raise NotFound(f"org unit {org_unit_id} not found", field="org_unit_id")


def org_unit_projector(org_units: Table):
    """A handler that keeps a service's copy of the org tree in step with targets' OrgUnitCreated events."""
    from sqlalchemy.dialects.postgresql import insert

    def apply(conn: Connection, message) -> None:
        e = message.payload
        values = dict(id=e.org_unit_id, parent_id=e.parent_id, kind=e.kind, code=e.code, name=e.name, path=e.path)
        stmt = insert(org_units).values(values)
        conn.execute(stmt.on_conflict_do_update(
            index_elements=[org_units.c.id], set_={k: stmt.excluded[k] for k in values if k != "id"}))

    return apply
