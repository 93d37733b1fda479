"""What keeps a plan whole through adjustments and imports: its shape, its closed months, its totals.

A plan's cells are its leaves (a rep's cells, or a unit's own where it has no reps) by product line and month;
every parent's number is the sum of its leaves. So "every parent = sum of its children, at every level" holds
for every version as long as a change keeps the leaves: it may change existing cells, never add one (a new
product line, a cell on an office above its reps, a rep under another office) nor drop one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from services.targets.domain.plan_versions import CellKey
from shared.errors import Conflict, InvalidInput


def closed_months(fiscal_year: int, today: date) -> set[int]:
    """Months of the fiscal year that are over: a past year is closed whole, a future one is open."""
    if fiscal_year < today.year:
        return set(range(1, 13))
    if fiscal_year > today.year:
        return set()
    return set(range(1, today.month))


def check_existing_cells(changes: Sequence[CellKey], existing: Collection[CellKey], *, field: str = "changes") -> None:
    """Every changed cell is already a leaf of the plan; the first one that is not is named."""
    for i, key in enumerate(changes):
        if key not in existing:
            raise InvalidInput(
                f"the plan has no cell for {key.label()}: an adjustment changes existing cells only (no new product"
                " line, no cell on a unit above its reps, no rep under another unit)",
                field=f"{field}[{i}]",
            )


def check_open_months(
    changes: Sequence[CellKey], closed: Collection[int], *, reopened: bool, field: str = "changes"
) -> None:
    """Closed months change only when an admin reopened them with a reason."""
    if reopened:
        return
    for i, key in enumerate(changes):
        if key.month in closed:
            raise InvalidInput(
                f"month {key.month} is closed; only an admin may reopen it, giving reopen_reason",
                field=f"{field}[{i}].month",
            )


def check_same_leaves(added: int, dropped: int) -> None:
    """A new version has exactly the leaves of the one it was based on (the guard every approval passes)."""
    if added or dropped:
        raise Conflict(
            f"the new version would add {added} and drop {dropped} cells of the plan; nothing was changed",
            field="changes",
        )


def check_total(
    stated: Decimal | None, old: Decimal, new: Decimal, *, field: str, what: str, errors: list[dict[str, Any]]
) -> None:
    """A total in a file is computed, never imported: it may read the old sum (not updated) or the new one
    (updated), anything else is an edit that would be lost, so it is refused with its place named."""
    if stated is None or stated in (old, new):
        return
    errors.append(
        {
            "field": field,
            "reason": f"{what}: the total {stated} is neither the cells' old sum {old} nor their new sum {new};"
            " totals are not imported, change the month cells instead",
        }
    )
