"""A placement covers its first day, not its end day (exclusive); open ends cover everything on their side."""

import uuid
from datetime import date

from services.targets.domain.placements import Placement, placed_on, stays

UNIT = uuid.UUID(int=1)


def placement(valid_from, valid_to, path="a"):
    return Placement(UNIT, None, path, valid_from, valid_to)


def test_a_closed_placement_covers_from_its_first_day_to_the_day_before_its_end():
    p = placement(date(2026, 1, 1), date(2026, 7, 1))
    assert [p.covers(d) for d in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 1))] == [
        False,
        True,
        True,
        False,
    ]


def test_open_ends_cover_all_days_on_their_side():
    since_ever = placement(None, date(2026, 7, 1))
    assert since_ever.covers(date(1990, 1, 1)) and not since_ever.covers(date(2026, 7, 1))
    still = placement(date(2026, 7, 1), None)
    assert still.covers(date(2099, 1, 1)) and not still.covers(date(2026, 6, 30))
    assert placement(None, None).covers(date(2026, 3, 3))


def test_the_tree_on_the_day_of_a_move_is_the_new_one():
    old, new = placement(None, date(2026, 7, 1), "old"), placement(date(2026, 7, 1), None, "new")
    assert [p.path for p in placed_on([old, new], date(2026, 7, 1))] == ["new"]
    assert [p.path for p in placed_on([old, new], date(2026, 6, 30))] == ["old"]


def test_a_placement_of_one_day_in_the_period_is_a_stay():
    # valid 30 June only (valid_to 1 July is exclusive); the period is June
    one_day = placement(date(2026, 6, 30), date(2026, 7, 1))
    assert stays([one_day], date(2026, 6, 1), date(2026, 6, 30))[UNIT][0].first == date(2026, 6, 30)
