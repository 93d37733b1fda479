"""Floors and ceilings on growth versus last year, and the proportional split that respects them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor

from services.targets.domain.model import Child, GrowthBounds
from services.targets.domain.rounding import as_decimal, from_units, non_negative
from shared.errors import InvalidInput

MIN_FIELD = "growth_bounds.min_growth"
MAX_FIELD = "growth_bounds.max_growth"


@dataclass(frozen=True)
class Limit:
    """A child's allowed range in units of the step; `ceiling` None means no ceiling."""

    floor: int = 0
    ceiling: int | None = None
    applies: bool = False  # False when the child has no (or a zero) last-year actual


NO_LIMIT = Limit()


def check_growth_bounds(bounds: GrowthBounds) -> tuple[Decimal | None, Decimal | None]:
    """Validate growth rates: none below -100 %, and the floor not above the ceiling."""
    low = None if bounds.min_growth is None else as_decimal(bounds.min_growth, field=MIN_FIELD)
    high = None if bounds.max_growth is None else as_decimal(bounds.max_growth, field=MAX_FIELD)
    if low is not None and low < -1:
        raise InvalidInput(f"minimum growth {low} is below -100 %", field=MIN_FIELD)
    if high is not None and high < -1:
        raise InvalidInput(f"maximum growth {high} is below -100 %", field=MAX_FIELD)
    if low is not None and high is not None and low > high:
        raise InvalidInput(f"minimum growth {low} is above maximum growth {high}", field=MAX_FIELD)
    return low, high


def growth_limits(children: Sequence[Child], bounds: GrowthBounds, step: Decimal) -> list[Limit]:
    """Each child's floor and ceiling in whole steps, from its last-year actual and the growth rates.

    A locked child keeps its value whatever its growth. A child without a last-year actual, or with
    zero, has no growth rate to bound and is left free.
    The floor rounds up and the ceiling rounds down to the step, so rounded values stay inside.
    """
    low, high = check_growth_bounds(bounds)
    unit = Fraction(step)
    limits = []
    for child in children:
        if child.last_year is None or child.locked_value is not None:
            limits.append(NO_LIMIT)
            continue
        last_year = Fraction(non_negative(child.last_year, field=f"children[{child.key}].last_year"))
        if last_year == 0:
            limits.append(NO_LIMIT)
            continue
        least = 0 if low is None else max(0, ceil(last_year * (1 + Fraction(low)) / unit))
        most = None if high is None else floor(last_year * (1 + Fraction(high)) / unit)
        if most is not None and least > most:
            raise InvalidInput(
                f"the growth band for child {child.key} holds no multiple of the step {step}",
                field=f"children[{child.key}].last_year",
            )
        limits.append(Limit(least, most, True))
    return limits


def fit_within_limits(
    total: int, weights: Sequence[Fraction], limits: Sequence[Limit], step: Decimal
) -> tuple[list[Fraction], list[str | None]]:
    """Spread `total` units in proportion to weights, clamped to each limit; return raw amounts and clamps.

    The result is x_i = clip(λ·w_i, floor_i, ceiling_i) with λ chosen so the x_i sum to total, found
    by clamping and redistributing until stable. Clipping at the current λ changes the sum by
    shortfall - excess; if the excess is larger the true λ is no smaller, so every child above its
    ceiling stays there and is fixed (symmetrically for floors). Each round fixes at least one
    child, so it ends within len(weights) rounds and never oscillates.
    """
    least = sum(limit.floor for limit in limits)
    # A weightless child stays on its floor; one weighted child without a ceiling leaves the total unbounded.
    ceilings = [limit.floor if weight == 0 else limit.ceiling for weight, limit in zip(weights, limits, strict=False)]
    most = None if None in ceilings else sum(c for c in ceilings if c is not None)
    if total < least:
        raise InvalidInput(
            f"the growth floors need at least {from_units(least, step)} but only {from_units(total, step)} "
            "is left to spread; the parent cannot be reached within the bounds",
            field=MIN_FIELD,
        )
    if most is not None and total > most:
        raise InvalidInput(
            f"the growth ceilings allow at most {from_units(most, step)} but {from_units(total, step)} "
            "must be spread; the parent cannot be reached within the bounds",
            field=MAX_FIELD,
        )
    raw: list[Fraction | None] = [None] * len(weights)
    clamps: list[str | None] = [None] * len(weights)
    free = set(range(len(weights)))
    while free:
        rest = total - sum(r for r in raw if r is not None)
        weight_sum = sum(weights[i] for i in free)
        if weight_sum == 0:  # only weightless children left: they sit on their floors
            for i in free:
                raw[i], clamps[i] = Fraction(limits[i].floor), ("floor" if limits[i].floor else None)
            break
        scale = Fraction(rest) / weight_sum
        ceiling_of = {i: c for i in free if (c := limits[i].ceiling) is not None}
        over = {i: scale * weights[i] - c for i, c in ceiling_of.items() if scale * weights[i] > c}
        under = {i: limits[i].floor - scale * weights[i] for i in free if scale * weights[i] < limits[i].floor}
        if not over and not under:
            for i in free:
                raw[i] = scale * weights[i]
            break
        excess, shortfall = sum(over.values()), sum(under.values())
        if excess >= shortfall:
            for i in over:
                raw[i], clamps[i] = Fraction(ceiling_of[i]), "ceiling"
            free -= over.keys()
        if shortfall >= excess:
            for i in under:
                raw[i], clamps[i] = Fraction(limits[i].floor), "floor"
            free -= under.keys()
    amounts = [r for r in raw if r is not None]
    assert len(amounts) == len(raw), "every child is fixed when the loop ends"
    return amounts, clamps
