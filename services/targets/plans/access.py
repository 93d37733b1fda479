"""Who sees which plan and which cells: the plan's root in the caller's subtree, or the caller inside the plan."""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, and_, bindparam, exists, false, or_, select, true
from sqlalchemy.orm import aliased

from services.targets import db
from services.targets.domain.visibility import Viewer
from services.targets.plans import tables as plan_tables
from shared.errors import NotFound
from shared.http.lean_db import Statement, fetch_together
from shared.identity import Principal, Role
from shared.org.scope import subtree_ids

ou = db.org_units
tp = plan_tables.target_plans
cells = plan_tables.target_cells


def plan_visible(principal: Principal) -> ColumnElement:
    """Plans whose root lies in the caller's subtree, or whose subtree holds the caller's unit."""
    if principal.sees_everything:
        return true()
    if principal.org_unit_id is None:
        return false()
    caller, root = aliased(ou), aliased(ou)
    caller_inside = exists(
        select(caller.c.id)
        .join(root, caller.c.path.op("<@")(root.c.path))
        .where(caller.c.id == principal.org_unit_id, root.c.id == tp.c.root_org_unit_id)
    )
    condition = or_(tp.c.root_org_unit_id.in_(subtree_ids(ou, principal.org_unit_id)), caller_inside)
    if principal.role == Role.rep:  # reps see plans once they are in force
        condition = and_(caller_inside, tp.c.published_version.is_not(None))
    return condition


def load_plan(conn: Connection, principal: Principal, plan_id: uuid.UUID, *, for_update: bool = False) -> Row:
    """The plan if the caller may see it; 404 otherwise (unknown and out of scope look the same)."""
    query = select(tp).where(tp.c.id == plan_id, plan_visible(principal))
    if for_update:
        query = query.with_for_update(of=tp)
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"plan {plan_id} not found", field="plan_id")
    return row


def covers(conn: Connection, principal: Principal, org_unit_id: uuid.UUID | None) -> bool:
    """The org unit is the caller's own unit or below it."""
    if org_unit_id is None:
        return principal.sees_everything
    if principal.sees_everything:
        return True
    if principal.org_unit_id is None:
        return False
    return (
        conn.scalar(select(ou.c.id).where(ou.c.id == org_unit_id, ou.c.id.in_(subtree_ids(ou, principal.org_unit_id))))
        is not None
    )


def above(conn: Connection, principal: Principal, org_unit_id: uuid.UUID | None) -> bool:
    """The caller stands strictly above the org unit (a global role stands above every unit)."""
    if principal.sees_everything:
        return True
    return org_unit_id is not None and principal.org_unit_id != org_unit_id and covers(conn, principal, org_unit_id)


def in_plan(conn: Connection, plan: Row, org_unit_id: uuid.UUID) -> bool:
    """The org unit lies in the plan's subtree."""
    return (
        conn.scalar(select(ou.c.id).where(ou.c.id == org_unit_id, ou.c.id.in_(subtree_ids(ou, plan.root_org_unit_id))))
        is not None
    )


def cell_scope(principal: Principal, table=cells) -> ColumnElement:
    """Cells the caller may read: in their subtree; a rep only their own."""
    if principal.role == Role.rep:
        if principal.person_id is None:
            return false()
        return table.c.person_id == principal.person_id
    if principal.sees_everything:
        return true()
    if principal.org_unit_id is None:
        return false()
    return table.c.org_unit_id.in_(subtree_ids(ou, principal.org_unit_id))


def read_version(plan: Row, principal: Principal, version: int | None) -> int:
    """The version to read: the one asked for, else the published one, else the draft; reps see published only."""
    newest = plan.published_version if principal.role == Role.rep else plan.current_version
    chosen = version if version is not None else (plan.published_version or plan.current_version)
    if newest is None or chosen > newest or chosen < 1:
        raise NotFound(f"plan {plan.id} has no version {chosen}", field="version")
    return chosen


def viewer_of(conn: Connection, principal: Principal) -> Viewer:
    """The caller for the visibility rule: a manager's unit and its parent, a rep's person id and office."""
    return viewer_from(principal, fetch_together(conn, *viewer_reads(principal)))


def viewer_reads(principal: Principal) -> list[Statement]:
    """What `viewer_of` reads: a manager's parent unit; nothing for anyone else (the token says it all)."""
    if principal.sees_everything or principal.role == Role.rep or principal.org_unit_id is None:
        return []
    return [(_parent_query(), {"unit_id": principal.org_unit_id})]


@cache
def _parent_query() -> Select:
    return select(ou.c.parent_id).where(ou.c.id == bindparam("unit_id"))


def viewer_from(principal: Principal, results: list[list[Any]]) -> Viewer:
    """The viewer, from the rows of `viewer_reads`' statements."""
    if principal.sees_everything:
        return Viewer(everything=True)
    if principal.role == Role.rep:
        return Viewer(own=principal.person_id, parent=principal.org_unit_id) if principal.person_id else Viewer()
    if principal.org_unit_id is None:
        return Viewer()
    (rows,) = results
    return Viewer(own=principal.org_unit_id, parent=rows[0].parent_id if rows else None)


def path_lineage(path: str) -> list[uuid.UUID]:
    """An org unit's ids from the company down, read from its ltree path (one uuid hex per label)."""
    return [uuid.UUID(hex=label) for label in path.split(".")]


def lineage(conn: Connection, org_unit_id: uuid.UUID, person_id: uuid.UUID | None = None) -> list[uuid.UUID]:
    """The node's ids from the company down (a rep's cells: their unit's lineage, then the person)."""
    path = conn.scalar(select(ou.c.path).where(ou.c.id == org_unit_id))
    units = path_lineage(path) if path else []
    return [*units, person_id] if person_id is not None else units
