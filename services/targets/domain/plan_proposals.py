"""Bottom-up proposals: a child's manager asks for a different number; the parent accepts, rejects or rebalances.

Accepting locks the child at the proposed value and re-splits the parent, so the unlocked siblings absorb
the difference and the parent's total is unchanged; rebalancing does the same with a value the parent picks.
"""

from __future__ import annotations

from decimal import Decimal

from services.targets.domain.rounding import as_decimal, check_step, to_units
from shared.errors import InvalidInput


def check_proposed_value(
    value: object, split_value: Decimal, parent_value: Decimal, step: Decimal, *, field: str = "proposed_value"
) -> Decimal:
    """A proposal is a non-negative multiple of the step, differs from the split, and fits in the parent."""
    amount = as_decimal(value, field=field)
    if amount < 0:
        raise InvalidInput(f"{field} may not be negative, got {amount}", field=field)
    to_units(amount, check_step(step), field=field)
    if amount == split_value:
        raise InvalidInput(f"{amount} is already the top-down split value; nothing to propose", field=field)
    if amount > parent_value:
        raise InvalidInput(f"{amount} is more than the parent's whole {parent_value}", field=field)
    return amount
