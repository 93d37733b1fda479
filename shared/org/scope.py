"""Scope rules: which org units a caller may see (their subtree), as SQL conditions and as a check."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, FromClause, Select, Table, false, select, true

from shared.errors import NotFound, NotYetKnown
from shared.identity import Principal
from shared.org.arrival import ARRIVALS, RETRY_AFTER_SECONDS, ArrivalWindow


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


def ensure_known_in_scope(
    conn: Connection,
    org_units: Table,
    principal: Principal,
    org_unit_id: uuid.UUID,
    field: str = "org_unit_id",
    arrivals: ArrivalWindow = ARRIVALS,
) -> None:
    """Like ensure_in_scope, but an org unit still on its way from targets answers 503 + Retry-After, not 404.

    Only a caller the unit cannot be secret from is told "not known here yet": a caller who sees everything, or
    one whose token is scoped to that very unit. Anyone else (the unit might lie outside their subtree once it
    arrives) gets the 404 of an unknown unit. The window opens the first time an unknown id is asked for and
    closes GRACE_SECONDS later; after that an unknown id is 404 for everybody.
    """
    row = conn.execute(
        select(org_units.c.id, scope_condition(org_units, principal, org_units.c.id).label("in_scope")).where(
            org_units.c.id == org_unit_id
        )
    ).first()
    if row is not None and row.in_scope:
        return
    cannot_be_secret = principal.sees_everything or principal.org_unit_id == org_unit_id
    if row is None and cannot_be_secret and arrivals.still_travelling(org_unit_id):
        raise NotYetKnown(
            f"org unit {org_unit_id} is not known here yet (its event from targets is on its way); retry",
            field=field,
            retry_after_seconds=RETRY_AFTER_SECONDS,
        )
    raise NotFound(f"org unit {org_unit_id} not found", field=field)


def ids_in_scope(
    conn: Connection,
    org_units: Table,
    principal: Principal,
    wanted: Collection[uuid.UUID],
    *,
    id_column: ColumnElement[uuid.UUID],
    org_unit_column: ColumnElement[uuid.UUID],
    where: Sequence[ColumnElement[bool]] = (),
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
    id_column: ColumnElement[uuid.UUID],
    org_unit_column: ColumnElement[uuid.UUID],
    where: Sequence[ColumnElement[bool]] = (),
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
