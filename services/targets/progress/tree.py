"""The plan's part of the org tree as it stood over a period, read from the org unit history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Connection, literal_column, or_, select

from services.targets import db
from services.targets.domain.placements import Placement, placed_on
from services.targets.org.tables import org_unit_history as history
from services.targets.progress.figures import Unit

ou = db.org_units


def passes_through(path: ColumnElement, unit_id: uuid.UUID) -> ColumnElement:
    """Paths with the unit on them (the unit itself or anything below it, wherever the unit stood then)."""
    # A uuid's hex is a safe ltree label, so the lquery literal needs no quoting beyond its own.
    return path.op("~")(literal_column(f"'*.{unit_id.hex}.*'::lquery"))


def overlapping(first: date, last: date) -> list[ColumnElement]:
    """History rows in force on some day of first..last."""
    return [
        or_(history.c.valid_from.is_(None), history.c.valid_from <= last),
        or_(history.c.valid_to.is_(None), history.c.valid_to > first),
    ]


def placements_under(conn: Connection, root_id: uuid.UUID, first: date, last: date) -> list[NamedPlacement]:
    """Every placement below (or at) the root in force on some day of first..last, with the unit's kind and name."""
    rows = conn.execute(
        select(
            history.c.org_unit_id,
            history.c.parent_id,
            history.c.path,
            history.c.valid_from,
            history.c.valid_to,
            ou.c.kind,
            ou.c.name,
        )
        .join(ou, ou.c.id == history.c.org_unit_id)
        .where(passes_through(history.c.path, root_id), *overlapping(first, last))
    )
    return [NamedPlacement(r.org_unit_id, r.parent_id, r.path, r.valid_from, r.valid_to, r.kind, r.name) for r in rows]


@dataclass(frozen=True)
class NamedPlacement(Placement):
    kind: str = ""
    name: str = ""


def units_on(placements: list[NamedPlacement], day: date) -> list[Unit]:
    """The units as they stood on a day, parents before children (a path sorts before its extensions)."""
    units = [Unit(p.unit_id, p.parent_id, p.kind, p.name, p.path) for p in placed_on(placements, day)]
    return sorted(units, key=lambda u: u.path)
