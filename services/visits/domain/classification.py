"""Outlet grade by sales volume and seed 003's value x loyalty classes."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Literal, TypeVar

ValueClass = Literal["good", "dangerous_big", "potential_star", "worthless"]
# Cumulative share of volume an outlet starts at, ranked by volume: A carries the first half of sales,
# B the next 30 %, C the next 15 %, D the tail (and every outlet that sold nothing).
GRADE_BANDS: tuple[tuple[Decimal, str], ...] = ((Decimal("0.50"), "A"), (Decimal("0.80"), "B"), (Decimal("0.95"), "C"))


def value_class(grade: str, loyalty: str) -> ValueClass:
    """003 客户的分类: big and loyal = good, big and disloyal = dangerous, small and loyal = tomorrow's star."""
    big = grade in ("A", "B")
    loyal = loyalty == "loyal"  # floating and not-yet-trading outlets have shown no loyalty
    if big:
        return "good" if loyal else "dangerous_big"
    return "potential_star" if loyal else "worthless"


K = TypeVar("K")


def grades_by_volume(volumes: Mapping[K, Decimal]) -> dict[K, str]:
    """A/B/C/D by the share of volume sold before each outlet in descending order (ties: by key)."""
    total = sum(volumes.values(), Decimal(0))
    graded: dict[K, str] = {}
    before = Decimal(0)
    for key, volume in sorted(volumes.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        if total <= 0 or volume <= 0:
            graded[key] = "D"
            continue
        share_before = before / total
        graded[key] = next((g for limit, g in GRADE_BANDS if share_before < limit), "D")
        before += volume
    return graded
