"""Splitting a yearly target over months by a seasonality profile; quarters and year roll up exactly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from services.targets.domain.decomposition import split_by_weights
from services.targets.domain.explanation import Allocation
from services.targets.domain.model import Method
from services.targets.domain.rounding import non_negative
from shared.errors import InvalidInput

MONTHS = tuple(range(1, 13))
QUARTER_MONTHS = ((1, 2, 3), (4, 5, 6), (7, 8, 9), (10, 11, 12))


def quarter_of(month: int) -> int:
    """The quarter (1-4) a month (1-12) falls in."""
    return (month - 1) // 3 + 1


def check_profile(profile: Sequence[Any], *, field: str = "profile") -> list[Decimal]:
    """A seasonality profile is 12 non-negative monthly weights with a positive sum."""
    if isinstance(profile, (str, bytes)) or len(profile) != 12:
        raise InvalidInput("a seasonality profile needs exactly 12 monthly weights", field=field)
    weights = [non_negative(w, field=f"{field}[{month}]") for month, w in zip(MONTHS, profile, strict=False)]
    if not any(weights):
        raise InvalidInput("every monthly weight of the seasonality profile is zero", field=field)
    return weights


def roll_up_quarters(months: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Sum 12 monthly values into 4 quarters (exact Decimal addition)."""
    if len(months) != 12:
        raise InvalidInput("a year has 12 months", field="months")
    q1, q2, q3, q4 = (sum((months[m - 1] for m in q), Decimal(0)) for q in QUARTER_MONTHS)
    return q1, q2, q3, q4


@dataclass(frozen=True)
class SeasonalSplit:
    """A year split into 12 monthly allocations; quarters and year are sums of the months."""

    months: tuple[Allocation, ...]
    quarters: tuple[Decimal, Decimal, Decimal, Decimal]
    year: Decimal

    def month(self, month: int) -> Decimal:
        """Value of a month (1-12)."""
        return self.months[month - 1].value

    def quarter(self, quarter: int) -> Decimal:
        """Value of a quarter (1-4)."""
        return self.quarters[quarter - 1]


def split_by_seasonality(
    year_value: Any,
    profile: Sequence[Any],
    *,
    step: Any,
    locked_months: Mapping[int, Any] | None = None,
) -> SeasonalSplit:
    """Split a yearly value over months by a profile (locked months kept); roll months up to quarters."""
    weights = check_profile(profile)
    for month in locked_months or {}:
        if month not in MONTHS:
            raise InvalidInput(f"{month!r} is not a month (1-12)", field=f"locked_months[{month}]")
    months = split_by_weights(
        year_value,
        list(zip(MONTHS, weights, strict=False)),
        step=step,
        method=Method.SEASONALITY,
        field="profile",
        locked=locked_months,
        locked_field="locked_months",
        basis="monthly profile",
    )
    quarters = roll_up_quarters([a.value for a in months])
    return SeasonalSplit(tuple(months), quarters, sum(quarters, Decimal(0)))
