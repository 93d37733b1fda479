"""The plan's part of the org tree as it stood over a period, read from the org unit history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Connection, Date, Select, bindparam, cast, literal, or_, select

from services.targets import db
from services.targets.domain.placements import Placement, placed_on
from services.targets.org.tables import org_unit_history as history
from services.targets.progress.figures import Unit
from shared.db import Lquery
from shared.http.lean_db import Statement, fetch_together

ou = db.org_units


def through(unit_id: uuid.UUID) -> str:
    """The lquery of paths with the unit on them (the unit itself or anything below it, wherever it stood then)."""
    return f"*.{unit_id.hex}.*"  # a uuid's hex is a plain ltree label


def passes_through(path: ColumnElement, unit: uuid.UUID | BindParameter[str]) -> ColumnElement:
    """Paths with the unit on them; a bound parameter is to hold the unit's `through`."""
    pattern = unit if isinstance(unit, BindParameter) else literal(through(unit))
    return path.op("~")(cast(pattern, Lquery))


def overlapping(first: date | BindParameter[date], last: date | BindParameter[date]) -> list[ColumnElement]:
    """History rows in force on some day of first..last."""
    return [
        or_(history.c.valid_from.is_(None), history.c.valid_from <= last),
        or_(history.c.valid_to.is_(None), history.c.valid_to > first),
    ]


@cache
def _placements_query() -> Select:
    first, last = bindparam("first", type_=Date), bindparam("last", type_=Date)
    columns = (history.c.org_unit_id, history.c.parent_id, history.c.path, history.c.valid_from, history.c.valid_to)
    return (
        select(*columns, ou.c.kind, ou.c.name)
        .join(ou, ou.c.id == history.c.org_unit_id)
        .where(passes_through(history.c.path, bindparam("below")), *overlapping(first, last))
    )


def placements_read(root_id: uuid.UUID, first: date, last: date) -> Statement:
    """Every placement below (or at) the root in force on some day of first..last (`placements_from` reads them)."""
    return _placements_query(), {"below": through(root_id), "first": first, "last": last}


def placements_from(rows: list[Any]) -> list[NamedPlacement]:
    """`placements_read`'s rows, with each unit's kind and name."""
    return [NamedPlacement(r.org_unit_id, r.parent_id, r.path, r.valid_from, r.valid_to, r.kind, r.name) for r in rows]


def placements_under(conn: Connection, root_id: uuid.UUID, first: date, last: date) -> list[NamedPlacement]:
    return placements_from(*fetch_together(conn, placements_read(root_id, first, last)))


@dataclass(frozen=True)
class NamedPlacement(Placement):
    kind: str = ""
    name: str = ""


def units_on(placements: list[NamedPlacement], day: date) -> list[Unit]:
    """The units as they stood on a day, parents before children (a path sorts before its extensions)."""
    units = [Unit(p.unit_id, p.parent_id, p.kind, p.name, p.path) for p in placed_on(placements, day)]
    return sorted(units, key=lambda u: u.path)
