"""Projection of targets' org tree events into a service's own copy of the tree.

Events of different org units travel on different partitions, so a child's event may overtake its parent's move
(or creation). Each handler therefore places a unit below its parent's *projected* path (the event's path is used
only while the parent is unknown), carries the unit's projected subtree along, and re-anchors children that
arrived before it: whatever the interleaving, every unit ends up at its parent's path plus its own label, and a
replayed event changes nothing.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import Connection, Table, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SAWarning
from sqlalchemy.sql.selectable import NamedFromClause

from shared.events.base import Event, InboundMessage
from shared.events.targets.org import ORG_UNIT_EVENTS, OrgUnitCreated, OrgUnitMoved, OrgUnitRenamed
from shared.org.paths import ltree, rebased_path


class Carrying(Protocol):
    """What the projector needs of a consumed message: its decoded payload."""

    @property
    def payload(self) -> object: ...


Projector = Callable[[Connection, Carrying], None]


def _place(
    conn: Connection, t: Table, org_unit_id: uuid.UUID, parent_id: uuid.UUID | None, event_path: str, **attributes: Any
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


def _reanchor_early_children(
    conn: Connection, t: Table, early: NamedFromClause, org_unit_id: uuid.UUID, path: str
) -> None:
    conn.execute(
        update(t)
        .where(
            early.c.parent_id == org_unit_id,
            func.subpath(early.c.path, 0, func.nlevel(early.c.path) - 1) != ltree(path),
            t.c.path.op("<@")(early.c.path),
        )
        .values(path=ltree(path).op("||")(func.subpath(t.c.path, func.nlevel(early.c.path) - 1)))
    )


def _project(conn: Connection, t: Table, event: object) -> None:
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


def org_unit_projector(org_units: Table) -> Projector:
    """A handler that keeps a service's copy of the org tree in step with every event in ORG_UNIT_EVENTS."""

    def apply(conn: Connection, message: Carrying) -> None:
        _project(conn, org_units, message.payload)

    return apply


def org_unit_handlers(org_units: Table) -> dict[type[Event] | type[InboundMessage], Projector]:
    """Handlers for a service's WorkerSpec: every org tree event goes to the projector of `org_units`."""
    projector = org_unit_projector(org_units)
    return {cls: projector for cls in ORG_UNIT_EVENTS}
