"""Who is ranked with whom: the reps of a unit on a day, as their assignments stood then."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, FromClause, and_, or_, select
from sqlalchemy.orm import aliased

from services.targets.people.tables import people, person_assignments


@dataclass(frozen=True)
class Rep:
    id: uuid.UUID
    name: str
    org_unit_id: uuid.UUID


def _assigned_on(day: date, a: FromClause = person_assignments):
    return [a.c.valid_from <= day, or_(a.c.valid_to.is_(None), a.c.valid_to > day)]


def rep_and_peers(conn: Connection, person_id: uuid.UUID, day: date) -> tuple[Rep | None, list[Rep]]:
    """A person and the org unit they belonged to on a day, and the reps (role rep) of that unit then by name, the
    person among them even when not a rep: whom the person is ranked among. One statement."""
    a, mine = person_assignments, aliased(person_assignments)
    their_unit = (
        select(mine.c.org_unit_id)
        .where(mine.c.person_id == person_id, *_assigned_on(day, mine))
        .limit(1)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(people.c.id, people.c.name, a.c.org_unit_id)
        .join(a, a.c.person_id == people.c.id)
        .where(
            *_assigned_on(day),
            or_(people.c.id == person_id, and_(a.c.org_unit_id == their_unit, people.c.role == "rep")),
        )
        .order_by(people.c.name, people.c.id)
    ).all()
    reps = [Rep(r.id, r.name, r.org_unit_id) for r in rows]
    me = next((r for r in reps if r.id == person_id), None)
    if me is None:
        return None, []
    return me, reps


def reps_in(conn: Connection, unit_ids: list[uuid.UUID], day: date) -> list[Rep]:
    """The reps (role rep) who belonged to any of the units on a day."""
    a = person_assignments
    rows = conn.execute(
        select(people.c.id, people.c.name, a.c.org_unit_id)
        .join(a, a.c.person_id == people.c.id)
        .where(a.c.org_unit_id.in_(unit_ids), people.c.role == "rep", *_assigned_on(day))
        .order_by(people.c.name, people.c.id)
    )
    return [Rep(r.id, r.name, r.org_unit_id) for r in rows]
