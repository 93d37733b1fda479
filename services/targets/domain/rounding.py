"""Plan amounts: Decimal at the edges, whole numbers of the rounding step inside.

Every split works in integer *units* of the plan's rounding step (step 0.01 → cents, step 100 →
hundreds), so shares are exact rationals and the largest-remainder method can hand out the last
few units without any float or Decimal-context drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation
from fractions import Fraction
from math import gcd, lcm
from typing import Any

from shared.errors import InvalidInput

_DISPLAY = Context(prec=28)
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)  # only for multiplication, which is exact


def as_decimal(value: Any, *, field: str) -> Decimal:
    """Read an input number as a finite Decimal; floats are refused because they carry binary drift."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidInput(f"{field} must be a number, got {value!r}", field=field) from None
    else:
        kind = type(value).__name__
        raise InvalidInput(f"{field} must be a Decimal, int or numeric string, got {kind}", field=field)
    if not number.is_finite():
        raise InvalidInput(f"{field} must be a finite number, got {number}", field=field)
    return number


def non_negative(value: Any, *, field: str) -> Decimal:
    """Read an input number that may not be below zero (targets, weights, indicators, actuals)."""
    number = as_decimal(value, field=field)
    if number < 0:
        raise InvalidInput(f"{field} must not be negative, got {number}", field=field)
    return number


def check_step(step: Any) -> Decimal:
    """Validate the plan's rounding step (e.g. 1, 100 or 0.01): a finite number above zero."""
    number = as_decimal(step, field="step")
    if number <= 0:
        raise InvalidInput(f"the rounding step must be above zero, got {number}", field="step")
    return number


def to_units(amount: Decimal, step: Decimal, *, field: str) -> int:
    """Count the rounding steps in an amount; refuse an amount that is not a whole number of steps."""
    units = Fraction(amount) / Fraction(step)
    if units.denominator != 1:
        raise InvalidInput(f"{field} {amount} is not a multiple of the rounding step {step}", field=field)
    return units.numerator


def from_units(units: int, step: Decimal) -> Decimal:
    """Turn a whole number of rounding steps back into an amount, exactly (no context rounding)."""
    return _EXACT.multiply(step, units)


def fraction_to_decimal(value: Fraction) -> Decimal:
    """Show an exact rational as a Decimal (28 significant digits) for explanations."""
    if value.denominator == 1:
        return Decimal(value.numerator)
    return _DISPLAY.divide(Decimal(value.numerator), Decimal(value.denominator))


def integer_weights(weights: Sequence[Fraction | Decimal | int]) -> list[int]:
    """Scale non-negative rational weights to proportional whole numbers (same ratios, exact)."""
    fractions = [Fraction(w) for w in weights]
    denominator = lcm(*(f.denominator for f in fractions)) if fractions else 1
    scaled = [f.numerator * (denominator // f.denominator) for f in fractions]
    divisor = gcd(*scaled)
    return [w // divisor for w in scaled] if divisor > 1 else scaled


def tie_order(weights: Sequence[Any], keys: Sequence[Any]) -> list[int]:
    """Order in which equal remainders are served: larger weight first, then smaller key."""
    return sorted(range(len(weights)), key=lambda i: (-weights[i], keys[i]))


def split_units(total: int, weights: Sequence[int], order: Sequence[int] | None = None) -> list[int]:
    """Split whole units over integer weights by largest remainder; the parts always sum to total."""
    weight_sum = sum(weights)
    if weight_sum <= 0:
        raise InvalidInput("all weights are zero, so there is nothing to split by", field="weights")
    parts: list[int] = []
    remainders: list[int] = []
    for weight in weights:
        part, remainder = divmod(total * weight, weight_sum)
        parts.append(part)
        remainders.append(remainder)
    leftover = total - sum(parts)
    if leftover:
        if order is None:
            order = tie_order(weights, range(len(weights)))
        # sorted() is stable with reverse=True, so equal remainders keep the tie order.
        for index in sorted(order, key=remainders.__getitem__, reverse=True)[:leftover]:
            parts[index] += 1
    return parts


def round_to_total(raw: Sequence[Fraction], total: int, order: Sequence[int]) -> list[int]:
    """Round exact amounts (in units, summing to total) to whole units by largest remainder."""
    parts = [r.numerator // r.denominator for r in raw]
    remainders = [r - p for r, p in zip(raw, parts, strict=False)]
    leftover = total - sum(parts)
    if leftover < 0 or leftover > len(parts):
        raise ValueError("raw amounts do not add up to the total")  # a bug, never user input
    for index in sorted(order, key=remainders.__getitem__, reverse=True)[:leftover]:
        parts[index] += 1
    return parts


def split_amount(parent: Any, weights: Sequence[Any], *, step: Any) -> list[Decimal]:
    """Fast path: split one parent over N weights, no explanations; the parts sum exactly to parent."""
    step = check_step(step)
    total = to_units(non_negative(parent, field="parent"), step, field="parent")
    if not weights:
        raise InvalidInput("there are no children to split over", field="weights")
    checked = [non_negative(w, field=f"weights[{i}]") for i, w in enumerate(weights)]
    return [from_units(u, step) for u in split_units(total, integer_weights(checked))]
