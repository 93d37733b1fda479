"""Property: however a dealer is shared, the reps' parts add up exactly to the order, each within a step of fair."""

import uuid
from decimal import Decimal as D
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from services.targets.domain.attribution import Share, attribute


@st.composite
def shares(draw):
    """1 to 6 reps whose millionth shares sum to exactly 1."""
    count = draw(st.integers(1, 6))
    cuts = sorted(draw(st.lists(st.integers(1, 999_999), min_size=count - 1, max_size=count - 1, unique=True)))
    bounds = [0, *cuts, 1_000_000]
    return [Share(uuid.uuid4(), D(hi - lo) / D(1_000_000)) for lo, hi in zip(bounds, bounds[1:], strict=False)]


@settings(max_examples=300, deadline=None)
@given(shares(), st.integers(0, 10**12), st.integers(0, 10**9))
def test_parts_sum_to_the_order_and_stay_fair(split, cents, thousandths):
    amount, quantity = D(cents) / 100, D(thousandths) / 1000
    parts = attribute(uuid.uuid4(), split, amount, quantity)
    assert sum(p.amount for p in parts) == amount
    assert sum(p.quantity for p in parts) == quantity
    by_person = {s.person_id: s.share for s in split}
    for part in parts:
        fair = Fraction(amount) * Fraction(by_person[part.person_id])
        assert abs(Fraction(part.amount) - fair) < Fraction(1, 100)
        exponent = part.amount.as_tuple().exponent
        assert part.amount >= 0 and isinstance(exponent, int) and exponent >= -2
