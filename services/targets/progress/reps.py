"""Who is ranked with whom: the reps of a unit on a day, as their assignments stood then."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Connection, Date, FromClause, Select, and_, any_, bindparam, or_, select
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import aliased

from services.targets.people.tables import people, person_assignments
from shared.http.lean_db import Statement, fetch_together


@dataclass(frozen=True)
class Rep:
    id: uuid.UUID
    name: str
    org_unit_id: uuid.UUID


def _assigned_on(day: date | BindParameter[date], a: FromClause = person_assignments):
    return [a.c.valid_from <= day, or_(a.c.valid_to.is_(None), a.c.valid_to > day)]


@cache
def _rep_and_peers_query() -> Select:
    a, mine = person_assignments, aliased(person_assignments)
    person, day = bindparam("person_id", type_=UUID(as_uuid=True)), bindparam("day", type_=Date)
    their_unit = select(mine.c.org_unit_id).where(mine.c.person_id == person, *_assigned_on(day, mine)).limit(1)
    return (
        select(people.c.id, people.c.name, a.c.org_unit_id)
        .join(a, a.c.person_id == people.c.id)
        .where(
            *_assigned_on(day),
            or_(people.c.id == person, and_(a.c.org_unit_id == their_unit.scalar_subquery(), people.c.role == "rep")),
        )
        .order_by(people.c.name, people.c.id)
    )


def peer_ids(person_id: uuid.UUID, day: date) -> Statement:
    """The ids `rep_and_peers_read` finds, for a statement to take its holders from."""
    return _peer_ids_query(), {"person_id": person_id, "day": day}


@cache
def _peer_ids_query() -> Select:
    return _rep_and_peers_query().with_only_columns(people.c.id).order_by(None)


def rep_and_peers_read(person_id: uuid.UUID, day: date) -> Statement:
    """A person and the org unit they belonged to on a day, and the reps (role rep) of that unit then by name, the
    person among them even when not a rep: whom the person is ranked among (`rep_and_peers_from` reads the rows)."""
    return _rep_and_peers_query(), {"person_id": person_id, "day": day}


def rep_and_peers_from(rows: list[Any], person_id: uuid.UUID) -> tuple[Rep | None, list[Rep]]:
    reps = reps_from(rows)
    me = next((r for r in reps if r.id == person_id), None)
    if me is None:
        return None, []
    return me, reps


def reps_in(conn: Connection, unit_ids: list[uuid.UUID], day: date) -> list[Rep]:
    """The reps (role rep) who belonged to any of the units on a day, by name."""
    return reps_from(*fetch_together(conn, reps_in_read(unit_ids, day)))


def reps_in_read(unit_ids: list[uuid.UUID], day: date) -> Statement:
    """What `reps_in` reads (`reps_from` reads the rows)."""
    return _reps_in_query(), {"unit_ids": unit_ids, "day": day}


def rep_ids_in(unit_ids: list[uuid.UUID], day: date) -> Statement:
    """The ids `reps_in_read` finds, for a statement to take its holders from."""
    return _rep_ids_query(), {"unit_ids": unit_ids, "day": day}


def reps_from(rows: list[Any]) -> list[Rep]:
    return [Rep(r.id, r.name, r.org_unit_id) for r in rows]


@cache
def _reps_in_query() -> Select:
    a, day = person_assignments, bindparam("day", type_=Date)
    return (
        select(people.c.id, people.c.name, a.c.org_unit_id)
        .join(a, a.c.person_id == people.c.id)
        .where(a.c.org_unit_id == any_(bindparam("unit_ids", type_=ARRAY(UUID(as_uuid=True)))), people.c.role == "rep")
        .where(*_assigned_on(day))
        .order_by(people.c.name, people.c.id)
    )


@cache
def _rep_ids_query() -> Select:
    return _reps_in_query().with_only_columns(people.c.id).order_by(None)
