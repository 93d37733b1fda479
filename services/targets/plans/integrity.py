"""Reads behind the plan's invariants (domain/plan_integrity.py): current cell values and the leaf-shape check."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import Connection, and_, exists, func, select, tuple_
from sqlalchemy.orm import aliased

from services.targets.domain.plan_integrity import check_same_leaves
from services.targets.domain.plan_versions import CellKey
from services.targets.plans import tables as plan_tables

cells = plan_tables.target_cells
NIL = uuid.UUID(int=0)


def _key_columns(table):
    return tuple_(table.c.org_unit_id, func.coalesce(table.c.person_id, NIL), table.c.product_line, table.c.month)


def current_values(
    conn: Connection, plan_id: uuid.UUID, version: int, keys: Iterable[CellKey]
) -> dict[CellKey, Decimal]:
    """The version's value of each of the given cells that it has (one query, whatever the number of keys)."""
    wanted = [(k.org_unit_id, k.person_id or NIL, k.product_line, k.month) for k in keys]
    if not wanted:
        return {}
    rows = conn.execute(
        select(cells.c.org_unit_id, cells.c.person_id, cells.c.product_line, cells.c.month, cells.c.value).where(
            cells.c.plan_id == plan_id, cells.c.version == version, _key_columns(cells).in_(wanted)
        )
    )
    return {CellKey(r.org_unit_id, r.person_id, r.product_line, r.month): r.value for r in rows}


def _missing_from(conn: Connection, plan_id: uuid.UUID, version: int, other: int) -> int:
    a, b = aliased(cells), aliased(cells)
    same = and_(
        b.c.plan_id == plan_id,
        b.c.version == other,
        b.c.org_unit_id == a.c.org_unit_id,
        func.coalesce(b.c.person_id, NIL) == func.coalesce(a.c.person_id, NIL),
        b.c.product_line == a.c.product_line,
        b.c.month == a.c.month,
    )
    return conn.execute(
        select(func.count()).select_from(a).where(a.c.plan_id == plan_id, a.c.version == version, ~exists().where(same))
    ).scalar_one()  # count() always yields one row


def ensure_whole(conn: Connection, plan_id: uuid.UUID, base: int, new: int) -> None:
    """The one check every approved version passes: the same leaves as its base, so every parent (the sum of its
    leaves) still equals the sum of its children at every level."""
    check_same_leaves(added=_missing_from(conn, plan_id, new, base), dropped=_missing_from(conn, plan_id, base, new))
