"""Manager time (000, after Maister): where a manager's hours went against the recommended bands."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Category = Literal["administration", "personal_selling", "customer_relationships", "coaching"]
CATEGORIES: tuple[str, ...] = ("administration", "personal_selling", "customer_relationships", "coaching")
# Percent of the manager's time: administration at most 10, coaching 30-60, customer relationships 20-40,
# personal selling is whatever is left, so it has no band of its own.
BANDS: dict[str, tuple[Decimal, Decimal] | None] = {
    "administration": (Decimal(0), Decimal(10)),
    "coaching": (Decimal(30), Decimal(60)),
    "customer_relationships": (Decimal(20), Decimal(40)),
    "personal_selling": None,
}


Standing = Literal["within", "below", "above", "no_band"]


@dataclass(frozen=True)
class Share:
    category: str
    minutes: int
    percent: Decimal
    band: tuple[Decimal, Decimal] | None
    status: Standing


def split(minutes_by_category: Mapping[str, int]) -> list[Share]:
    """Each category's share of the total (percent, one decimal) and where it stands against its band."""
    total = sum(minutes_by_category.get(c, 0) for c in CATEGORIES)
    shares = []
    for category in CATEGORIES:
        minutes = minutes_by_category.get(category, 0)
        percent = Decimal(0) if total == 0 else Decimal(100 * minutes) / Decimal(total)
        percent = percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        band = BANDS[category]
        status: Standing
        if band is None:
            status = "no_band"
        elif percent < band[0]:
            status = "below"
        elif percent > band[1]:
            status = "above"
        else:
            status = "within"
        shares.append(Share(category, minutes, percent, band, status))
    return shares


def totals(activities: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Minutes per category from (category, minutes) pairs."""
    out: dict[str, int] = {}
    for category, minutes in activities:
        if category not in CATEGORIES:
            raise ValueError(f"unknown category {category!r}")
        out[category] = out.get(category, 0) + minutes
    return out
