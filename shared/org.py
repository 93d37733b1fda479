"""The org tree as every service stores it (owned by targets, projected by the others) and scope filters."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Collection, Sequence

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    FromClause,
    Index,
    MetaData,
    String,
    Table,
    cast,
    false,
    func,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.exc import SAWarning

from shared.db import Ltree, created_at_column
from shared.errors import NotFound
from shared.events.targets.org import ORG_UNIT_EVENTS, OrgUnitCreated, OrgUnitMoved, OrgUnitRenamed
from shared.identity import Principal


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


def ltree(value: str) -> ColumnElement:
    return cast(value, Ltree)


def rebased_path(path: ColumnElement, old_root: ColumnElement | str, new_root: ColumnElement | str) -> ColumnElement:
    """`path` (at or below `old_root`) with that prefix replaced by `new_root`; roots end in the same label."""
    old_root = ltree(old_root) if isinstance(old_root, str) else old_root
    new_root = ltree(new_root) if isinstance(new_root, str) else new_root
    # subpath(path, nlevel(old_root) - 1) keeps the root's own label, so the root row needs no special case.
    new_parent = func.subpath(new_root, 0, func.nlevel(new_root) - 1)
    return new_parent.op("||")(func.subpath(path, func.nlevel(old_root) - 1))


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


def ids_in_scope(
    conn: Connection,
    org_units: Table,
    principal: Principal,
    wanted: Collection[uuid.UUID],
    *,
    id_column: ColumnElement,
    org_unit_column: ColumnElement,
    where: Sequence[ColumnElement] = (),
    from_: FromClause | None = None,
) -> set[uuid.UUID]:
    """Those of `wanted` found in `from_` (default: `id_column`'s table) with `org_unit_column` in the caller's
    subtree and `where` holding: one query, whatever the number of ids."""
    if not wanted:
        return set()
    query = select(id_column).where(
        id_column.in_(set(wanted)), scope_condition(org_units, principal, org_unit_column), *where
    )
    return set(conn.scalars(query.select_from(from_) if from_ is not None else query))


def ensure_all_in_scope(
    conn: Connection,
    org_units: Table,
    principal: Principal,
    ids: Sequence[tuple[str, uuid.UUID]],
    *,
    what: str,
    id_column: ColumnElement,
    org_unit_column: ColumnElement,
    where: Sequence[ColumnElement] = (),
    from_: FromClause | None = None,
) -> None:
    """404 naming the first (field, id) whose `what` is unknown or outside the caller's subtree.

    Ids inside request bodies obey the same scope as ids in paths, so the answer never tells an id that exists
    elsewhere from one that exists nowhere.
    """
    found = ids_in_scope(
        conn,
        org_units,
        principal,
        [value for _, value in ids],
        id_column=id_column,
        org_unit_column=org_unit_column,
        where=where,
        from_=from_,
    )
    for field, value in ids:
        if value not in found:
            raise NotFound(f"{what} {value} not found", field=field)


# Projection. Events of different org units travel on different partitions, so a child's event may overtake
# its parent's move (or creation). Each handler therefore places a unit below its parent's *projected* path
# (the event's path is used only while the parent is unknown), carries the unit's projected subtree along,
# and re-anchors children that arrived before it: whatever the interleaving, every unit ends up at its
# parent's path plus its own label, and a replayed event changes nothing.


def _place(
    conn: Connection, t: Table, org_unit_id: uuid.UUID, parent_id: uuid.UUID | None, event_path: str, **attributes
) -> None:
    parent_path = conn.scalar(select(t.c.path).where(t.c.id == parent_id)) if parent_id else None
    path = f"{parent_path}.{event_path.rsplit('.', 1)[-1]}" if parent_path else event_path
    old_path = conn.scalar(select(t.c.path).where(t.c.id == org_unit_id))
    if old_path is not None and old_path != path:
        conn.execute(
            update(t).where(t.c.path.op("<@")(ltree(old_path))).values(path=rebased_path(t.c.path, old_path, path))
        )
    values = dict(parent_id=parent_id, path=path, **attributes)
    if old_path is None and attributes:
        conn.execute(insert(t).values(id=org_unit_id, **values))
    else:
        conn.execute(update(t).where(t.c.id == org_unit_id).values(**values))
    early = t.alias("early_child")
    with warnings.catch_warnings():
        # `path <@ early_child.path` joins the two; SQLAlchemy's FROM linter only recognises `=` joins.
        warnings.simplefilter("ignore", SAWarning)
        _reanchor_early_children(conn, t, early, org_unit_id, path)


def _reanchor_early_children(conn: Connection, t: Table, early, org_unit_id: uuid.UUID, path: str) -> None:
    conn.execute(
        update(t)
        .where(
            early.c.parent_id == org_unit_id,
            func.subpath(early.c.path, 0, func.nlevel(early.c.path) - 1) != ltree(path),
            t.c.path.op("<@")(early.c.path),
        )
        .values(path=ltree(path).op("||")(func.subpath(t.c.path, func.nlevel(early.c.path) - 1)))
    )


def _project(conn: Connection, t: Table, event) -> None:
    if isinstance(event, OrgUnitCreated):
        _place(
            conn, t, event.org_unit_id, event.parent_id, event.path, kind=event.kind, code=event.code, name=event.name
        )
    elif isinstance(event, OrgUnitMoved):
        if conn.scalar(select(t.c.id).where(t.c.id == event.org_unit_id)) is not None:
            _place(conn, t, event.org_unit_id, event.parent_id, event.path)
    elif isinstance(event, OrgUnitRenamed):
        conn.execute(update(t).where(t.c.id == event.org_unit_id).values(name=event.name))
    else:
        raise TypeError(f"not an org tree event: {type(event).__name__}")


def org_unit_projector(org_units: Table) -> Callable:
    """A handler that keeps a service's copy of the org tree in step with every event in ORG_UNIT_EVENTS."""

    def apply(conn: Connection, message) -> None:
        _project(conn, org_units, message.payload)

    return apply


def org_unit_handlers(org_units: Table) -> dict[type, Callable]:
    """Handlers for a service's WorkerSpec: every org tree event goes to the projector of `org_units`."""
    projector = org_unit_projector(org_units)
    return {cls: projector for cls in ORG_UNIT_EVENTS}
