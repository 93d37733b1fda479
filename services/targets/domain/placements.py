"""Where each org unit stood in the tree over a period, and roll-ups that follow the tree as it stood each day.

An office moved from one region to another on 1 July counts for the old region up to 30 June and for the new
one from 1 July: its actuals (and its own target months) go up the path it had on the day they belong to.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar


@dataclass(frozen=True)
class Placement:
    """One row of a unit's history: its parent and path from valid_from (inclusive) to valid_to (exclusive)."""

    unit_id: uuid.UUID
    parent_id: uuid.UUID | None
    path: str
    valid_from: date | None  # None: since the unit was set up
    valid_to: date | None  # None: still

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class Stay:
    """A placement clipped to a period: the unit stood at `path` from first to last (both inclusive)."""

    unit_id: uuid.UUID
    path: str
    first: date
    last: date


P = TypeVar("P", bound=Placement)


def placed_on(placements: Iterable[P], day: date) -> list[P]:
    """The tree as it stood on a day: each unit's placement covering it."""
    return [p for p in placements if p.covers(day)]


def stays(placements: Iterable[Placement], first: date, last: date) -> dict[uuid.UUID, list[Stay]]:
    """Each unit's placements clipped to first..last, oldest first; placements outside it are left out."""
    found: dict[uuid.UUID, list[Stay]] = {}
    for p in placements:
        start = max(first, p.valid_from) if p.valid_from else first
        end = min(last, p.valid_to - timedelta(days=1)) if p.valid_to else last
        if start <= end:
            found.setdefault(p.unit_id, []).append(Stay(p.unit_id, p.path, start, end))
    return {unit: sorted(s, key=lambda stay: stay.first) for unit, s in found.items()}


def lineage_below(path: str, root_id: uuid.UUID) -> list[uuid.UUID]:
    """The ids on a path from `root_id` down to the unit; empty when the path does not pass through the root."""
    ids = [uuid.UUID(hex=label) for label in path.split(".")]
    return ids[ids.index(root_id) :] if root_id in ids else []
