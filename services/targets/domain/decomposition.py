"""Target decomposition: split a parent value over its children so they sum exactly to it.

Locked children keep their value; the rest of the parent (the pool) is spread over the unlocked
children by their weights, within optional growth bounds, then rounded to the plan's step by the
largest-remainder method (ties: larger weight first, then smaller key).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from services.targets.domain.explanation import Allocation, Explanation
from services.targets.domain.growth_bounds import Limit, fit_within_limits, growth_limits
from services.targets.domain.model import Child, GrowthBounds, Method, SplitRequest
from services.targets.domain.rounding import (
    check_step,
    fraction_to_decimal,
    from_units,
    non_negative,
    round_to_total,
    to_units,
)
from services.targets.domain.weights import Weighting, normalise, weigh_children
from shared.errors import InvalidInput

Key = TypeVar("Key", bound=Hashable)

__all__ = [
    "Allocation",
    "Child",
    "Explanation",
    "GrowthBounds",
    "Method",
    "SplitRequest",
    "check_children",
    "decompose",
    "split_by_product_share",
    "split_by_weights",
]


@dataclass(frozen=True)
class Spread:
    """Each child's exact amount and rounded units (both in units of the step)."""

    units: list[int]
    raw: list[Fraction]
    locked: list[bool]
    unclamped: list[Fraction | None]
    clamps: list[str | None]
    pool: int
    pool_shares: list[Fraction]


def check_children(children: Sequence[Child]) -> None:
    """Refuse an empty list of children or a key used twice."""
    if not children:
        raise InvalidInput("there are no children to split over", field="children")
    seen: set[Hashable] = set()
    for child in children:
        if child.key in seen:
            raise InvalidInput(f"child key {child.key!r} appears more than once", field=f"children[{child.key}]")
        seen.add(child.key)


def spread_pool(
    total: int,
    shares: Sequence[Fraction],
    keys: Sequence[Hashable],
    locks: Sequence[int | None],
    *,
    step: Decimal,
    zero_field: str,
    locks_field: str,
    limits: Sequence[Limit] | None = None,
) -> Spread:
    """Keep the locks, spread the rest over the unlocked children by share within limits, round exactly."""
    locked_total = sum(lock for lock in locks if lock is not None)
    if locked_total > total:
        raise InvalidInput(
            f"locked values add up to {from_units(locked_total, step)}, more than the parent {from_units(total, step)}",
            field=locks_field,
        )
    free = [i for i, lock in enumerate(locks) if lock is None]
    pool = total - locked_total
    if not free and pool:
        raise InvalidInput(
            f"every child is locked and the locks add up to {from_units(locked_total, step)}, "
            f"not the parent {from_units(total, step)}",
            field=locks_field,
        )
    free_weight = sum((shares[i] for i in free), Fraction(0))
    if pool and free_weight == 0:
        raise InvalidInput(
            f"every unlocked child weighs zero, so the {from_units(pool, step)} left after locks cannot be spread",
            field=zero_field,
        )
    pool_shares = [Fraction(0)] * len(shares)
    unclamped: list[Fraction | None] = [None] * len(shares)
    free_raw: list[Fraction]
    free_clamps: list[str | None]
    for i in free:
        pool_shares[i] = shares[i] / free_weight if free_weight else Fraction(0)
        unclamped[i] = pool * pool_shares[i]
    if limits is not None:
        free_raw, free_clamps = fit_within_limits(pool, [shares[i] for i in free], [limits[i] for i in free], step)
    else:
        free_raw, free_clamps = [pool * pool_shares[i] for i in free], [None] * len(free)
    if sum(free_raw) != pool:
        raise ValueError("spread does not add up to the pool")  # a bug, never user input
    order = sorted(range(len(free)), key=lambda j: (-shares[free[j]], keys[free[j]]))
    free_units = round_to_total(free_raw, pool, order)
    units = [lock if lock is not None else 0 for lock in locks]
    raw = [Fraction(lock) if lock is not None else Fraction(0) for lock in locks]
    clamps: list[str | None] = [None] * len(locks)
    for j, i in enumerate(free):
        units[i], raw[i], clamps[i] = free_units[j], free_raw[j], free_clamps[j]
    locked = [lock is not None for lock in locks]
    return Spread(units, raw, locked, unclamped, clamps, pool, pool_shares)


def explain_spread(
    parent: Decimal,
    step: Decimal,
    keys: Sequence[Hashable],
    weighting: Weighting,
    spread: Spread,
    *,
    last_years: Sequence[Decimal | None] | None = None,
    bounded: bool = False,
) -> list[Allocation]:
    """Turn a spread into allocations, each saying how its value came about."""
    allocations = []
    unit = Fraction(step)
    pool = from_units(spread.pool, step)
    for i, key in enumerate(keys):
        value = from_units(spread.units[i], step)
        raw_value = fraction_to_decimal(spread.raw[i] * unit)
        locked = spread.locked[i]
        notes = []
        last_year = None if last_years is None else last_years[i]
        if bounded and not locked and not last_year:
            notes.append("no last-year actual, so the growth bounds do not apply")
        unclamped = spread.unclamped[i]
        clamp = spread.clamps[i]
        explanation = Explanation(
            method=weighting.method,
            parent=parent,
            step=step,
            value=value,
            weight=weighting.weights[i],
            share=fraction_to_decimal(weighting.shares[i]),
            pool=pool,
            pool_share=fraction_to_decimal(spread.pool_shares[i]),
            raw_value=raw_value,
            rounding_adjustment=fraction_to_decimal(spread.units[i] * unit - spread.raw[i] * unit),
            basis=weighting.basis,
            locked=locked,
            clamp=clamp,
            bound=raw_value if clamp else None,
            unclamped_value=fraction_to_decimal(unclamped * unit) if bounded and unclamped is not None else None,
            last_year=last_year,
            components=tuple((m.value, fraction_to_decimal(s[i])) for m, s in weighting.components),
            notes=tuple(notes),
        )
        allocations.append(Allocation(key, value, explanation))
    return allocations


def decompose(request: SplitRequest) -> list[Allocation]:
    """Split the parent over its children by the request's method, keeping locks and growth bounds."""
    step = check_step(request.step)
    parent = non_negative(request.parent, field="parent")
    total = to_units(parent, step, field="parent")
    children = list(request.children)
    check_children(children)
    weighting = weigh_children(request)
    locks: list[int | None] = []
    for child in children:
        if child.locked_value is None:
            locks.append(None)
            continue
        field = f"children[{child.key}].locked_value"
        locks.append(to_units(non_negative(child.locked_value, field=field), step, field=field))
    limits = growth_limits(children, request.growth_bounds, step) if request.growth_bounds else None
    keys = [child.key for child in children]
    spread = spread_pool(
        total,
        weighting.shares,
        keys,
        locks,
        step=step,
        limits=limits,
        zero_field=weighting.zero_field,
        locks_field="children[*].locked_value",
    )
    last_years = [
        None if c.last_year is None else non_negative(c.last_year, field=f"children[{c.key}].last_year")
        for c in children
    ]
    return explain_spread(parent, step, keys, weighting, spread, last_years=last_years, bounded=limits is not None)


def split_by_weights(
    parent: Any,
    weights: Sequence[tuple[Key, Any]],
    *,
    step: Any,
    method: Method = Method.MANUAL,
    field: str = "weights",
    locked: Mapping[Key, Any] | None = None,
    locked_field: str = "locked",
    basis: str = "",
) -> list[Allocation]:
    """Split a parent over (key, weight) pairs, keeping locked keys, with explanations."""
    step = check_step(step)
    parent = non_negative(parent, field="parent")
    total = to_units(parent, step, field="parent")
    if not weights:
        raise InvalidInput("there is nothing to split over", field=field)
    keys = [key for key, _ in weights]
    if len(set(keys)) != len(keys):
        raise InvalidInput("a key appears more than once", field=field)
    values = [non_negative(w, field=f"{field}[{key}]") for key, w in weights]
    shares = normalise(values, field=field, detail="every weight is zero, so there is nothing to split by")
    locked = locked or {}
    known = set(keys)
    unknown = [key for key in locked if key not in known]
    if unknown:
        raise InvalidInput(f"{unknown[0]!r} is locked but not split over", field=f"{locked_field}[{unknown[0]}]")
    locks: list[int | None] = []
    for key in keys:
        if key in locked and locked[key] is not None:
            name = f"{locked_field}[{key}]"
            locks.append(to_units(non_negative(locked[key], field=name), step, field=name))
        else:
            locks.append(None)
    weighting = Weighting(method, shares, values, basis=basis)
    spread = spread_pool(total, shares, keys, locks, step=step, zero_field=field, locks_field=locked_field)
    return explain_spread(parent, step, keys, weighting, spread)


def split_by_product_share(
    parent: Any,
    product_shares: Mapping[Hashable, Any],
    *,
    step: Any,
    locked_products: Mapping[Hashable, Any] | None = None,
) -> list[Allocation]:
    """Split a target over product lines by their shares (any non-negative weights, normalised)."""
    return split_by_weights(
        parent,
        list(product_shares.items()),
        step=step,
        method=Method.PRODUCT_SHARE,
        field="product_shares",
        locked=locked_products,
        locked_field="locked_products",
    )
