"""Use cases for the org tree: each takes a connection inside the caller's unit of work."""

from __future__ import annotations

import uuid
import zlib
from datetime import date

from sqlalchemy import Connection, case, cast, func, literal, nulls_first, or_, select, update

from services.targets import db
from services.targets.domain.org_tree import check_child_kind, check_effective_date, check_move
from services.targets.org.schemas import (
    OrgUnitCreate,
    OrgUnitMove,
    OrgUnitMoveOut,
    OrgUnitOut,
    OrgUnitPlacementOut,
    OrgUnitRename,
)
from services.targets.org.tables import org_unit_history as history
from shared.db import Ltree, utcnow
from shared.errors import Conflict, Forbidden, NotFound
from shared.events.targets import OrgUnitCreated, OrgUnitMoved, OrgUnitRenamed
from shared.identity import Principal, Role
from shared.ids import new_uuid
from shared.org.paths import ltree, path_label, rebased_path
from shared.org.scope import ensure_in_scope, scope_condition, subtree_ids
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/targets")
ou = db.org_units
TREE_LOCK = zlib.crc32(b"targets.org_tree")


def lock_tree(conn: Connection, *, exclusive: bool) -> None:
    """Serialise moves against every other change to the tree's shape: a unit created below a subtree while it
    moves would keep a stale path. Creations take the lock shared (they do not conflict with each other: a code
    or id taken twice is refused by its unique index), moves exclusively."""
    lock = func.pg_advisory_xact_lock if exclusive else func.pg_advisory_xact_lock_shared
    conn.execute(select(lock(TREE_LOCK)))


def create_org_unit(conn: Connection, principal: Principal, command: OrgUnitCreate) -> OrgUnitOut:
    """Add a node below a parent the caller may manage, and publish it."""
    lock_tree(conn, exclusive=False)
    parent = None
    if command.parent_id is not None:
        ensure_in_scope(conn, ou, principal, command.parent_id, field="parent_id")
        parent = conn.execute(select(ou).where(ou.c.id == command.parent_id)).one()
    elif principal.role != Role.admin:
        raise Forbidden("only an admin may create a company")
    check_child_kind(parent.kind if parent else None, command.kind)
    if conn.scalar(select(ou.c.id).where(ou.c.code == command.code)):
        raise Conflict(f"org unit code {command.code!r} already exists", field="code")
    org_unit_id = command.id or new_uuid()
    if conn.scalar(select(ou.c.id).where(ou.c.id == org_unit_id)):
        raise Conflict(f"org unit {org_unit_id} already exists", field="id")
    path = f"{parent.path}.{path_label(org_unit_id)}" if parent else path_label(org_unit_id)
    row = conn.execute(
        ou.insert()
        .values(
            id=org_unit_id,
            parent_id=command.parent_id,
            kind=command.kind,
            code=command.code,
            name=command.name,
            path=path,
        )
        .returning(*ou.c)
    ).one()
    _record_new_unit(conn, org_unit_id, command.parent_id, path)
    outbox.add(
        conn,
        OrgUnitCreated(
            org_unit_id=org_unit_id,
            parent_id=command.parent_id,
            kind=command.kind,
            code=command.code,
            name=command.name,
            path=path,
        ),
    )
    return OrgUnitOut.model_validate(row, from_attributes=True)


def _record_new_unit(conn: Connection, org_unit_id: uuid.UUID, parent_id: uuid.UUID | None, path: str) -> None:
    """A new unit has stood below its parent wherever the parent stood: it inherits the parent's history."""
    if parent_id is None:
        conn.execute(history.insert().values(org_unit_id=org_unit_id, parent_id=None, path=path))
        return
    label = cast(literal(path_label(org_unit_id)), Ltree)
    conn.execute(
        history.insert().from_select(
            ["org_unit_id", "valid_from", "valid_to", "parent_id", "path"],
            select(
                literal(org_unit_id),
                history.c.valid_from,
                history.c.valid_to,
                literal(parent_id),
                history.c.path.op("||")(label),
            ).where(history.c.org_unit_id == parent_id),
        )
    )


def get_org_unit(conn: Connection, principal: Principal, org_unit_id: uuid.UUID) -> OrgUnitOut:
    row = conn.execute(select(ou).where(ou.c.id == org_unit_id, scope_condition(ou, principal, ou.c.id))).first()
    if row is None:
        raise NotFound(f"org unit {org_unit_id} not found")
    return OrgUnitOut.model_validate(row, from_attributes=True)


def list_org_units(
    conn: Connection, principal: Principal, *, under: uuid.UUID | None, limit: int, offset: int
) -> list[OrgUnitOut]:
    query = select(ou).where(scope_condition(ou, principal, ou.c.id)).order_by(ou.c.path).limit(limit).offset(offset)
    if under is not None:
        ensure_in_scope(conn, ou, principal, under, field="under")
        query = query.where(ou.c.id.in_(subtree_ids(ou, under)))
    return [OrgUnitOut.model_validate(r, from_attributes=True) for r in conn.execute(query)]


def rename_org_unit(
    conn: Connection, principal: Principal, org_unit_id: uuid.UUID, command: OrgUnitRename
) -> OrgUnitOut:
    """Give a unit a new display name, and publish it when it changed."""
    ensure_in_scope(conn, ou, principal, org_unit_id)
    old_name = conn.scalar(select(ou.c.name).where(ou.c.id == org_unit_id).with_for_update())
    row = conn.execute(update(ou).where(ou.c.id == org_unit_id).values(name=command.name).returning(*ou.c)).one()
    if old_name != command.name:
        outbox.add(conn, OrgUnitRenamed(org_unit_id=org_unit_id, old_name=old_name, name=command.name))
    return OrgUnitOut.model_validate(row, from_attributes=True)


def move_org_unit(
    conn: Connection, principal: Principal, org_unit_id: uuid.UUID, command: OrgUnitMove, *, today: date | None = None
) -> OrgUnitMoveOut:
    """Move a unit and its whole subtree below a new parent from `effective_date` on, keeping the history."""
    lock_tree(conn, exclusive=True)
    ensure_in_scope(conn, ou, principal, org_unit_id)
    ensure_in_scope(conn, ou, principal, command.parent_id, field="parent_id")
    unit = conn.execute(select(ou).where(ou.c.id == org_unit_id)).one()
    parent = conn.execute(select(ou).where(ou.c.id == command.parent_id)).one()
    check_move(kind=unit.kind, path=unit.path, new_parent_kind=parent.kind, new_parent_path=parent.path)
    if unit.parent_id == parent.id:
        return OrgUnitMoveOut(
            org_unit=OrgUnitOut.model_validate(unit, from_attributes=True),
            old_parent_id=unit.parent_id,
            old_path=unit.path,
            effective_date=command.effective_date,
            moved_units=0,
        )
    day = command.effective_date
    subtree = subtree_ids(ou, org_unit_id)
    last_change = conn.scalar(
        select(func.max(history.c.valid_from)).where(
            history.c.valid_to.is_(None), or_(history.c.org_unit_id.in_(subtree), history.c.org_unit_id == parent.id)
        )
    )
    check_effective_date(day, last_change=last_change, today=today or utcnow().date())
    new_path = f"{parent.path}.{path_label(org_unit_id)}"
    moved_units = _move_subtree(conn, unit, parent.id, new_path, day)
    row = conn.execute(select(ou).where(ou.c.id == org_unit_id)).one()
    outbox.add(
        conn,
        OrgUnitMoved(
            org_unit_id=org_unit_id,
            old_parent_id=unit.parent_id,
            parent_id=parent.id,
            old_path=unit.path,
            path=new_path,
            effective_date=day,
            moved_units=moved_units,
        ),
    )
    return OrgUnitMoveOut(
        org_unit=OrgUnitOut.model_validate(row, from_attributes=True),
        old_parent_id=unit.parent_id,
        old_path=unit.path,
        effective_date=day,
        moved_units=moved_units,
    )


def _move_subtree(conn: Connection, unit, parent_id: uuid.UUID, new_path: str, day: date) -> int:
    """Close the subtree's current history rows at `day` (a row opened that same day is replaced), rewrite every
    path in one UPDATE and open the new rows from what it returned; answers how many units moved."""
    in_subtree = history.c.org_unit_id.in_(select(ou.c.id).where(ou.c.path.op("<@")(ltree(unit.path))))
    conn.execute(
        update(history)
        .where(
            in_subtree, history.c.valid_to.is_(None), or_(history.c.valid_from.is_(None), history.c.valid_from < day)
        )
        .values(valid_to=day)
    )
    conn.execute(history.delete().where(in_subtree, history.c.valid_to.is_(None), history.c.valid_from == day))
    moved = (
        update(ou)
        .where(ou.c.path.op("<@")(ltree(unit.path)))
        .values(
            path=rebased_path(ou.c.path, unit.path, new_path),
            parent_id=case((ou.c.id == unit.id, literal(parent_id)), else_=ou.c.parent_id),
        )
        .returning(ou.c.id, ou.c.parent_id, ou.c.path)
        .cte("moved")
    )
    opened = conn.execute(
        history.insert()
        .from_select(
            ["org_unit_id", "valid_from", "parent_id", "path"],
            select(moved.c.id, literal(day), moved.c.parent_id, moved.c.path),
        )
        .add_cte(moved)
        .returning(history.c.id)
    )
    return len(opened.all())


def org_unit_history(conn: Connection, principal: Principal, org_unit_id: uuid.UUID) -> list[OrgUnitPlacementOut]:
    """Every place the unit has stood in the tree, oldest first."""
    ensure_in_scope(conn, ou, principal, org_unit_id)
    rows = conn.execute(
        select(history.c.org_unit_id, history.c.valid_from, history.c.valid_to, history.c.parent_id, history.c.path)
        .where(history.c.org_unit_id == org_unit_id)
        .order_by(nulls_first(history.c.valid_from))
    )
    return [OrgUnitPlacementOut.model_validate(r, from_attributes=True) for r in rows]
