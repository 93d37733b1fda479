"""A plan's versions as data: copy one into the next, apply a set of cell changes to it, and diff two."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import Connection, func, literal, select, tuple_

from services.targets.plans import tables as plan_tables
from services.targets.plans.access import cell_scope, load_plan, read_version
from services.targets.plans.cells import copy_cells, row_chunks
from services.targets.plans.schemas import CellDiffOut, DiffOut
from shared.identity import Principal

cells = plan_tables.target_cells
NIL = uuid.UUID(int=0)


def copy_version(conn: Connection, plan_id: uuid.UUID, old: int, new: int) -> None:
    """Copy a version's cells, splits and decomposition into a new version, set-based in the database."""
    for table in (cells, plan_tables.plan_splits, plan_tables.plan_decompositions):
        columns = [c for c in table.c if c.name != "version"]
        conn.execute(
            table.insert().from_select(
                [c.name for c in columns] + ["version"],
                select(*columns, literal(new)).where(table.c.plan_id == plan_id, table.c.version == old),
            )
        )


def apply_changes(
    conn: Connection,
    plan_id: uuid.UUID,
    version: int,
    changes: list[dict],
    *,
    reference,
    reason,
    actor: str,
    source: str = "adjustment",
) -> int:
    """Set each changed cell (replacing the old one) and record the override; returns how many cells changed."""
    keys = [
        (
            uuid.UUID(c["org_unit_id"]),
            uuid.UUID(c["person_id"]) if c["person_id"] else NIL,
            c["product_line"],
            c["month"],
        )
        for c in changes
    ]
    key_columns = tuple_(
        cells.c.org_unit_id, func.coalesce(cells.c.person_id, NIL), cells.c.product_line, cells.c.month
    )
    in_version = (cells.c.plan_id == plan_id, cells.c.version == version)
    old = {
        (r[0], r[1], r[2], r[3]): r.value
        for r in conn.execute(
            select(
                cells.c.org_unit_id,
                func.coalesce(cells.c.person_id, NIL),
                cells.c.product_line,
                cells.c.month,
                cells.c.value,
            ).where(*in_version, key_columns.in_(keys))
        )
    }
    changed = [
        (key, Decimal(c["value"])) for key, c in zip(keys, changes, strict=False) if old.get(key) != Decimal(c["value"])
    ]
    if not changed:
        return 0
    conn.execute(cells.delete().where(*in_version, key_columns.in_([k for k, _ in changed])))
    copy_cells(
        conn, row_chunks((plan_id, version, k[0], None if k[1] == NIL else k[1], k[2], k[3], v) for k, v in changed)
    )
    conn.execute(
        plan_tables.plan_cell_overrides.insert(),
        [
            dict(
                plan_id=plan_id,
                version=version,
                org_unit_id=k[0],
                person_id=None if k[1] == NIL else k[1],
                product_line=k[2],
                month=k[3],
                old_value=old.get(k),
                new_value=v,
                source=source,
                reference=reference,
                reason=reason,
                created_by=actor,
            )
            for k, v in changed
        ],
    )
    return len(changed)


def diff_versions(
    conn: Connection,
    principal: Principal,
    plan_id: uuid.UUID,
    from_version: int,
    to_version: int,
    *,
    limit: int,
    offset: int,
) -> DiffOut:
    """Cell by cell, what differs between two versions (in the caller's scope), with old, new and delta."""
    plan = load_plan(conn, principal, plan_id)
    read_version(plan, principal, from_version)
    read_version(plan, principal, to_version)

    def side(version: int):
        return (
            select(
                cells.c.org_unit_id,
                func.coalesce(cells.c.person_id, NIL).label("person"),
                cells.c.product_line,
                cells.c.month,
                cells.c.value,
            )
            .where(cells.c.plan_id == plan.id, cells.c.version == version, cell_scope(principal))
            .subquery()
        )

    a, b = side(from_version), side(to_version)
    on = (
        (a.c.org_unit_id == b.c.org_unit_id)
        & (a.c.person == b.c.person)
        & (a.c.product_line == b.c.product_line)
        & (a.c.month == b.c.month)
    )
    joined = a.join(b, on, full=True)
    differs = a.c.value.is_distinct_from(b.c.value)
    delta = func.coalesce(b.c.value, 0) - func.coalesce(a.c.value, 0)
    count, total = conn.execute(
        select(func.count(), func.coalesce(func.sum(delta), 0)).select_from(joined).where(differs)
    ).one()
    unit = func.coalesce(a.c.org_unit_id, b.c.org_unit_id)
    person = func.coalesce(a.c.person, b.c.person)
    line = func.coalesce(a.c.product_line, b.c.product_line)
    month = func.coalesce(a.c.month, b.c.month)
    rows = conn.execute(
        select(unit, person, line, month, a.c.value, b.c.value, delta)
        .select_from(joined)
        .where(differs)
        .order_by(unit, person, line, month)
        .limit(limit)
        .offset(offset)
    )
    return DiffOut(
        plan_id=plan.id,
        from_version=from_version,
        to_version=to_version,
        changed_cells=count,
        total_delta=total,
        cells=[
            CellDiffOut(
                org_unit_id=r[0],
                person_id=None if r[1] == NIL else r[1],
                product_line=r[2],
                month=r[3],
                old_value=r[4],
                new_value=r[5],
                delta=r[6],
            )
            for r in rows
        ],
    )
