"""Use cases for people and their assignments: each takes a connection inside the caller's unit of work."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import ColumnElement, Connection, Row, and_, exists, false, or_, select, true

from services.targets import db
from services.targets.domain.assignments import Assignment, assign, assignment_end, changes
from services.targets.domain.people import check_may_manage
from services.targets.org.tables import org_unit_history
from services.targets.people import tables as people_tables
from services.targets.people.schemas import (
    AssignmentCreate,
    AssignmentOut,
    MemberOut,
    PersonCreate,
    PersonHistoryOut,
    PersonOut,
    PlacementOut,
)
from shared.db import utcnow
from shared.errors import Conflict, NotFound
from shared.events.targets import AssignmentPeriod, PersonAssigned, PersonCreated
from shared.identity import Principal, Role
from shared.ids import new_uuid
from shared.org import ensure_in_scope, ids_in_scope, scope_condition, subtree_ids
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/targets")
ou, p, pa, history = db.org_units, people_tables.people, people_tables.person_assignments, org_unit_history


def in_force(table, day: date) -> ColumnElement:
    """Rows of a valid_from/valid_to table whose period contains `day` (a NULL valid_from: since the start)."""
    starts = table.c.valid_from <= day
    if table.c.valid_from.nullable:
        starts = or_(table.c.valid_from.is_(None), starts)
    return and_(starts, or_(table.c.valid_to.is_(None), table.c.valid_to > day))


def _visible(principal: Principal) -> ColumnElement:
    """A rep sees their own record; a manager everyone ever assigned in their subtree."""
    if principal.sees_everything:
        return true()
    if principal.role == Role.rep:
        return p.c.id == principal.person_id if principal.person_id else false()
    if principal.org_unit_id is None:
        return false()
    return exists().where(pa.c.person_id == p.c.id, pa.c.org_unit_id.in_(subtree_ids(ou, principal.org_unit_id)))


def _period_overlaps(valid_from: date, valid_to: date | None) -> list[ColumnElement]:
    overlap = [or_(pa.c.valid_to.is_(None), pa.c.valid_to > valid_from)]
    return overlap if valid_to is None else [*overlap, pa.c.valid_from < valid_to]


def people_in_scope(
    conn: Connection,
    principal: Principal,
    person_ids: Collection[uuid.UUID],
    *,
    valid_from: date,
    valid_to: date | None,
    role: str | None = None,
) -> set[uuid.UUID]:
    """Those of `person_ids` (with `role`, when given) assigned in the caller's subtree during [from, to)."""
    roles = [p.c.role == role] if role else []
    if principal.sees_everything:  # the whole company, people not (or no longer) assigned anywhere included
        return set(conn.scalars(select(p.c.id).where(p.c.id.in_(set(person_ids)), *roles)))
    return ids_in_scope(
        conn,
        ou,
        principal,
        person_ids,
        id_column=pa.c.person_id,
        org_unit_column=pa.c.org_unit_id,
        where=[*_period_overlaps(valid_from, valid_to), *roles],
        from_=pa.join(p, p.c.id == pa.c.person_id),
    )


def ensure_people_in_scope(
    conn: Connection,
    principal: Principal,
    ids: Sequence[tuple[str, uuid.UUID]],
    *,
    valid_from: date,
    valid_to: date | None,
    role: str | None = None,
) -> None:
    """404 naming the first body field whose person is unknown, not a `role`, or outside the caller's subtree."""
    found = people_in_scope(conn, principal, [i for _, i in ids], valid_from=valid_from, valid_to=valid_to, role=role)
    for field, person_id in ids:
        if person_id not in found:
            raise NotFound(f"person {person_id} not found", field=field)


def _person(conn: Connection, principal: Principal, person_id: uuid.UUID, *, for_update: bool = False) -> Row:
    query = select(p).where(p.c.id == person_id, _visible(principal))
    row = conn.execute(query.with_for_update(of=p) if for_update else query).first()
    if row is None:
        raise NotFound(f"person {person_id} not found", field="person_id")
    return row


def _history(conn: Connection, person_id: uuid.UUID) -> list[Assignment]:
    rows = conn.execute(select(pa).where(pa.c.person_id == person_id).order_by(pa.c.valid_from))
    return [Assignment(r.valid_from, r.valid_to, r.org_unit_id) for r in rows]


def _assignment_out(a: Assignment) -> AssignmentOut:
    return AssignmentOut(org_unit_id=a.org_unit_id, valid_from=a.valid_from, valid_to=a.valid_to)


def _person_out(row) -> PersonOut:
    assignment = (
        AssignmentOut(org_unit_id=row.org_unit_id, valid_from=row.valid_from, valid_to=row.valid_to)
        if row.org_unit_id
        else None
    )
    return PersonOut(id=row.id, name=row.name, role=row.role, created_at=row.created_at, assignment=assignment)


def create_person(conn: Connection, principal: Principal, command: PersonCreate) -> PersonOut:
    """Add a person with a role in an org unit the caller manages, and publish it."""
    check_may_manage(principal.role, command.role)
    ensure_in_scope(conn, ou, principal, command.org_unit_id)
    person_id = command.id or new_uuid()
    if conn.scalar(select(p.c.id).where(p.c.id == person_id)):
        raise Conflict(f"person {person_id} already exists", field="id")
    valid_from = command.valid_from or utcnow().date()
    row = conn.execute(p.insert().values(id=person_id, name=command.name, role=command.role).returning(*p.c)).one()
    conn.execute(pa.insert().values(person_id=person_id, valid_from=valid_from, org_unit_id=command.org_unit_id))
    outbox.add(
        conn,
        PersonCreated(
            person_id=person_id,
            name=command.name,
            role=command.role,
            org_unit_id=command.org_unit_id,
            valid_from=valid_from,
        ),
    )
    return PersonOut(
        id=row.id,
        name=row.name,
        role=row.role,
        created_at=row.created_at,
        assignment=AssignmentOut(org_unit_id=command.org_unit_id, valid_from=valid_from, valid_to=None),
    )


def get_person(conn: Connection, principal: Principal, person_id: uuid.UUID, *, on: date | None) -> PersonOut:
    """A person and the assignment in force on `on` (today by default)."""
    _person(conn, principal, person_id)
    row = conn.execute(
        select(p, pa.c.org_unit_id, pa.c.valid_from, pa.c.valid_to)
        .select_from(p.outerjoin(pa, and_(pa.c.person_id == p.c.id, in_force(pa, on or utcnow().date()))))
        .where(p.c.id == person_id)
    ).one()
    return _person_out(row)


def list_people(
    conn: Connection,
    principal: Principal,
    *,
    under: uuid.UUID | None,
    on: date | None,
    role: str | None,
    limit: int,
    offset: int,
) -> list[PersonOut]:
    """People assigned on `on` (today by default) to a unit in the caller's subtree, or below `under`."""
    query = select(p, pa.c.org_unit_id, pa.c.valid_from, pa.c.valid_to).select_from(
        p.join(pa, and_(pa.c.person_id == p.c.id, in_force(pa, on or utcnow().date())))
    )
    if principal.role == Role.rep:
        query = query.where(_visible(principal))
    else:
        query = query.where(scope_condition(ou, principal, pa.c.org_unit_id))
    if under is not None:
        ensure_in_scope(conn, ou, principal, under, field="under")
        query = query.where(pa.c.org_unit_id.in_(subtree_ids(ou, under)))
    if role is not None:
        query = query.where(p.c.role == role)
    rows = conn.execute(query.order_by(p.c.name, p.c.id).limit(limit).offset(offset))
    return [_person_out(r) for r in rows]


def person_history(conn: Connection, principal: Principal, person_id: uuid.UUID) -> PersonHistoryOut:
    """Every assignment of a person, oldest first."""
    person = _person(conn, principal, person_id)
    return PersonHistoryOut(
        person_id=person.id,
        name=person.name,
        role=person.role,
        assignments=[_assignment_out(a) for a in _history(conn, person_id)],
    )


def assign_person(
    conn: Connection, principal: Principal, person_id: uuid.UUID, command: AssignmentCreate
) -> PersonHistoryOut:
    """Put a person in an org unit for a period; publish the change unless the history stayed the same."""
    person = _person(conn, principal, person_id, for_update=True)  # one change to a person's history at a time
    check_may_manage(principal.role, person.role)
    ensure_in_scope(conn, ou, principal, command.org_unit_id)
    before = _history(conn, person_id)
    after = assign(before, command.org_unit_id, command.valid_from, command.valid_to)
    removed, added = changes(before, after)
    # A manager rewrites only the part of a history spent in their subtree, never another region's periods.
    touched = {uuid.UUID(str(a.org_unit_id)) for a in removed}  # the domain keeps ids as plain hashables
    if touched - ids_in_scope(conn, ou, principal, touched, id_column=ou.c.id, org_unit_column=ou.c.id):
        raise NotFound(f"person {person_id} not found", field="person_id")
    if removed:
        conn.execute(
            pa.delete().where(pa.c.person_id == person_id, pa.c.valid_from.in_([a.valid_from for a in removed]))
        )
    if added:
        conn.execute(
            pa.insert(),
            [
                dict(person_id=person_id, valid_from=a.valid_from, valid_to=a.valid_to, org_unit_id=a.org_unit_id)
                for a in added
            ],
        )
    if removed or added:
        outbox.add(
            conn,
            PersonAssigned(
                person_id=person_id,
                role=person.role,
                org_unit_id=command.org_unit_id,
                valid_from=command.valid_from,
                valid_to=assignment_end(before, command.valid_from, command.valid_to),
                assignments=[
                    AssignmentPeriod(org_unit_id=a.org_unit_id, valid_from=a.valid_from, valid_to=a.valid_to)
                    for a in after
                ],
            ),
        )
    return PersonHistoryOut(
        person_id=person.id, name=person.name, role=person.role, assignments=[_assignment_out(a) for a in after]
    )


def placement(conn: Connection, principal: Principal, person_id: uuid.UUID, on: date) -> PlacementOut:
    """Where a person was on `on`: their unit and where that unit stood in the tree that day."""
    _person(conn, principal, person_id)
    row = conn.execute(
        select(pa.c.org_unit_id, pa.c.valid_from, pa.c.valid_to, ou.c.code, ou.c.name, history.c.path)
        .select_from(
            pa.join(ou, ou.c.id == pa.c.org_unit_id).join(
                history, and_(history.c.org_unit_id == pa.c.org_unit_id, in_force(history, on))
            )
        )
        .where(pa.c.person_id == person_id, in_force(pa, on))
    ).first()
    if row is None:
        raise NotFound(f"person {person_id} was in no org unit on {on}", field="on")
    return PlacementOut(
        person_id=person_id,
        on=on,
        org_unit_id=row.org_unit_id,
        org_unit_code=row.code,
        org_unit_name=row.name,
        path=row.path,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


def members(
    conn: Connection,
    principal: Principal,
    org_unit_id: uuid.UUID,
    *,
    on: date,
    subtree: bool,
    role: str | None,
    limit: int,
    offset: int,
) -> list[MemberOut]:
    """Who was in an org unit on `on` (with `subtree`, also below it, as the tree stood that day)."""
    ensure_in_scope(conn, ou, principal, org_unit_id)
    then = in_force(history, on)
    if subtree:
        root_path = select(history.c.path).where(history.c.org_unit_id == org_unit_id, then).scalar_subquery()
        in_force_units = select(history.c.org_unit_id, history.c.path).where(then, history.c.path.op("<@")(root_path))
    else:
        in_force_units = select(history.c.org_unit_id, history.c.path).where(then, history.c.org_unit_id == org_unit_id)
    units = in_force_units.subquery("units")
    query = (
        select(
            p.c.id.label("person_id"),
            p.c.name,
            p.c.role,
            pa.c.org_unit_id,
            units.c.path,
            pa.c.valid_from,
            pa.c.valid_to,
        )
        .select_from(pa.join(units, units.c.org_unit_id == pa.c.org_unit_id).join(p, p.c.id == pa.c.person_id))
        .where(in_force(pa, on))
    )
    if role is not None:
        query = query.where(p.c.role == role)
    rows = conn.execute(query.order_by(units.c.path, p.c.name, p.c.id).limit(limit).offset(offset))
    return [MemberOut.model_validate(r, from_attributes=True) for r in rows]
