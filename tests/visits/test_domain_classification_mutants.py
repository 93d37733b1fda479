"""Grades by volume on tiny and degenerate volumes: ties by key, nothing sold, returns cancelling sales."""

from decimal import Decimal as D

from services.visits.domain.classification import grades_by_volume


def test_two_equal_outlets_split_by_key_into_a_and_b():
    # b listed first, but the tie goes by key: a starts at 0 % of volume (A), b at 50 % (B, not below 0.50)
    assert grades_by_volume({"b": D(1), "a": D(1)}) == {"a": "A", "b": "B"}


def test_a_single_outlet_selling_one_unit_is_a():
    assert grades_by_volume({"a": D(1)}) == {"a": "A"}


def test_without_any_net_volume_every_outlet_is_d():
    assert grades_by_volume({"a": D(0), "b": D(0)}) == {"a": "D", "b": "D"}
    # returns cancelling sales: the total is zero, nothing to grade by
    assert grades_by_volume({"a": D(5), "b": D(-5)}) == {"a": "D", "b": "D"}
