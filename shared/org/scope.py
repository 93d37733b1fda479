"""Scope rules: which org units a caller may see (their subtree), as SQL conditions and as a check."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, false, select, true

from shared.errors import NotFound
from shared.identity import Principal


def subtree_ids(org_units: Table, root_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """A select of the ids of `root_id` and everything below it."""
    root_path = select(org_units.c.path).where(org_units.c.id == root_id).scalar_subquery()
    return select(org_units.c.id).where(org_units.c.path.op("<@")(root_path))


def scope_condition(org_units: Table, principal: Principal, org_unit_column: ColumnElement[Any]) -> ColumnElement[bool]:
    """Rows whose org unit lies in the caller's subtree."""
    if principal.sees_everything:
        return true()
    if principal.org_unit_id is None:
        return false()
    return org_unit_column.in_(subtree_ids(org_units, principal.org_unit_id))


def ensure_in_scope(
    conn: Connection, org_units: Table, principal: Principal, org_unit_id: uuid.UUID, field: str = "org_unit_id"
) -> None:
    """404 when the org unit is unknown or outside the caller's subtree (the two look the same on purpose)."""
    found = conn.scalar(
        select(org_units.c.id).where(
            org_units.c.id == org_unit_id, scope_condition(org_units, principal, org_units.c.id)
        )
    )
    if found is None:
        raise NotFound(f"org unit {org_unit_id} not found", field=field)
