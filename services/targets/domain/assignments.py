"""Who belongs to which org unit when: a person's assignments as non-overlapping date intervals.

Intervals are half-open: `valid_from` inclusive, `valid_to` exclusive, `valid_to=None` meaning "still".
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date

from shared.errors import InvalidInput


@dataclass(frozen=True, order=True)
class Assignment:
    valid_from: date
    valid_to: date | None
    org_unit_id: Hashable

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


def assignment_on(history: Sequence[Assignment], day: date) -> Assignment | None:
    """The assignment in force on `day`, if any."""
    return next((a for a in history if a.covers(day)), None)


def assignment_end(history: Sequence[Assignment], valid_from: date, valid_to: date | None) -> date | None:
    """End of a new assignment: the one given, else the person's next recorded change after `valid_from`."""
    if valid_to is not None:
        if valid_to <= valid_from:
            raise InvalidInput(f"valid_to ({valid_to}) must be after valid_from ({valid_from})", field="valid_to")
        return valid_to
    return min((a.valid_from for a in history if a.valid_from > valid_from), default=None)


def assign(
    history: Sequence[Assignment], org_unit_id: Hashable, valid_from: date, valid_to: date | None = None
) -> list[Assignment]:
    """The history with the person in `org_unit_id` over [valid_from, end): what overlaps is cut back, an
    assignment spanning the whole period resumes after it, and back-to-back periods in one unit merge.

    Without `valid_to` the new assignment lasts until the next recorded change, so back-dating a move does
    not erase later moves; one starting on the same day as an existing one replaces it (a correction).
    """
    end = assignment_end(history, valid_from, valid_to)
    kept = []
    for a in history:
        if a.valid_from < valid_from:
            kept.append(Assignment(a.valid_from, _earlier(a.valid_to, valid_from), a.org_unit_id))
        if end is not None and (a.valid_to is None or a.valid_to > end):
            kept.append(Assignment(max(a.valid_from, end), a.valid_to, a.org_unit_id))
    return _merged(sorted([*kept, Assignment(valid_from, end, org_unit_id)]))


def changes(before: Sequence[Assignment], after: Sequence[Assignment]) -> tuple[list[Assignment], list[Assignment]]:
    """Rows to delete and rows to insert to turn `before` into `after`."""
    old, new = set(before), set(after)
    return sorted(old - new), sorted(new - old)


def _earlier(end: date | None, other: date) -> date:
    return other if end is None else min(end, other)


def _merged(history: list[Assignment]) -> list[Assignment]:
    merged: list[Assignment] = []
    for a in history:
        last = merged[-1] if merged else None
        if last and last.org_unit_id == a.org_unit_id and last.valid_to == a.valid_from:
            merged[-1] = Assignment(last.valid_from, a.valid_to, a.org_unit_id)
        else:
            merged.append(a)
    return merged
