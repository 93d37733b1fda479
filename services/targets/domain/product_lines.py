"""Targets by product line for the part of a period a unit stood under the node asked about.

A plan's cells are (org unit, product line, month); an order line's product line is its SKU's category. A unit
that moved counts for the node only for the days of its stays below it, and a month cut by a stay or by a date
range counts by its selling days (domain.progress.month_weight), as the unit's total does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from services.targets.domain.calendar import SellingCalendar, month_end
from services.targets.domain.placements import Stay
from services.targets.domain.progress import AMOUNT_PLACES, month_weight


@dataclass(frozen=True)
class LineCell:
    """A unit's target for one product line and month (its reps' cells summed)."""

    org_unit_id: uuid.UUID
    product_line: str
    month: int
    value: Decimal


def _share_of_month(calendar: SellingCalendar, year: int, month: int, first: date, last: date) -> Fraction:
    start, end = date(year, month, 1), month_end(date(year, month, 1))
    part_start, part_end = max(start, first), min(end, last)
    if part_start > part_end:
        return Fraction(0)
    if (part_start, part_end) == (start, end):
        return Fraction(1)
    return month_weight(calendar, part_start, part_end)


def line_targets(
    cells: Iterable[LineCell],
    stays: Mapping[uuid.UUID, Sequence[Stay]],
    calendar: SellingCalendar,
    year: int,
) -> dict[str, Decimal]:
    """Each product line's target: every cell weighted by the part of its month its unit stayed below the node
    (stays already clipped to the period), rounded to the cent per line."""
    totals: dict[str, Fraction] = {}
    for cell in cells:
        weight = sum(
            (_share_of_month(calendar, year, cell.month, s.first, s.last) for s in stays.get(cell.org_unit_id, [])),
            Fraction(0),
        )
        if weight:
            totals[cell.product_line] = totals.get(cell.product_line, Fraction(0)) + weight * Fraction(cell.value)
    return {
        line: (Decimal(v.numerator) / Decimal(v.denominator)).quantize(AMOUNT_PLACES, ROUND_HALF_UP)
        for line, v in totals.items()
    }
