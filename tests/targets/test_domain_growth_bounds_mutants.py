"""Growth bounds at their exact edges: -100 %, a floor equal to the ceiling, a parent equal to the sum of the
floors or of the ceilings."""

from decimal import Decimal as D

import pytest

from services.targets.domain.decomposition import Child, GrowthBounds, Method, SplitRequest, decompose
from shared.errors import InvalidInput


def values(allocations):
    return {a.key: a.value for a in allocations}


def split(parent, children, bounds, step=D(1), method=Method.EQUAL):
    return decompose(SplitRequest(parent=D(parent), children=children, method=method, step=step, growth_bounds=bounds))


def test_minus_100_percent_is_allowed_as_a_floor_and_as_a_ceiling():
    # min -100 %: a's floor is 0, so a parent of 0 is reachable
    assert values(split(0, [Child("a", last_year=D(100)), Child("b")], GrowthBounds(min_growth=D(-1)))) == {
        "a": D(0),
        "b": D(0),
    }
    # max -100 %: a may have nothing, b (no last year) takes all
    assert values(split(100, [Child("a", last_year=D(100)), Child("b")], GrowthBounds(max_growth=D(-1)))) == {
        "a": D(0),
        "b": D(100),
    }


@pytest.mark.parametrize("bounds", [GrowthBounds(min_growth=D("-1.01")), GrowthBounds(max_growth=D("-1.01"))])
def test_just_below_minus_100_percent_is_refused(bounds):
    with pytest.raises(InvalidInput):
        split(100, [Child("a", last_year=D(100)), Child("b")], bounds)


def test_a_floor_equal_to_the_ceiling_pins_the_child():
    # +10 % exactly on 100: 110..110
    result = split(500, [Child("a", last_year=D(100)), Child("b")], GrowthBounds(D("0.1"), D("0.1")))
    assert values(result) == {"a": D(110), "b": D(390)}


def test_a_parent_equal_to_the_floors_or_the_ceilings_is_reachable():
    twins = [Child("a", last_year=D(100)), Child("b", last_year=D(300))]
    # floors 100 + 300 at 0 % growth; ceilings 150 + 450 at +50 %
    assert values(split(400, twins, GrowthBounds(min_growth=D(0)))) == {"a": D(100), "b": D(300)}
    assert values(split(600, twins, GrowthBounds(max_growth=D("0.5")))) == {"a": D(150), "b": D(450)}


def test_a_child_on_its_floor_lets_the_other_take_the_rest_exactly():
    # equal split of 500 would give 250 each; a's floor is 300 (0 % on 300), so b gets 200
    twins = [Child("a", last_year=D(300)), Child("b", last_year=D(100))]
    result = split(500, twins, GrowthBounds(min_growth=D(0)))
    assert values(result) == {"a": D(300), "b": D(200)}
    assert (result[0].explanation.clamp, result[1].explanation.clamp) == ("floor", None)


def test_a_split_landing_exactly_on_a_bound_is_not_clamped():
    # -20 % .. +25 %: a (last year 400) may have 320..500, b (last year 625) 500..781. The equal split, 500 each,
    # is a's ceiling and b's floor exactly: nothing was moved, so neither is explained as clamped.
    children = [Child("a", last_year=D(400)), Child("b", last_year=D(625))]
    result = split(1000, children, GrowthBounds(min_growth=D("-0.2"), max_growth=D("0.25")))
    assert values(result) == {"a": D(500), "b": D(500)}
    assert [r.explanation.clamp for r in result] == [None, None]


def test_an_excess_equal_to_the_shortfall_fixes_both_bounds_at_once():
    # -50 % .. +25 %: a (last year 32) may have 16..40, b (last year 120) 60..150. The equal split, 50 each,
    # is 10 over a's ceiling and 10 under b's floor: moving 10 from a to b meets both, and both are clamped.
    children = [Child("a", last_year=D(32)), Child("b", last_year=D(120))]
    result = split(100, children, GrowthBounds(min_growth=D("-0.5"), max_growth=D("0.25")))
    assert values(result) == {"a": D(40), "b": D(60)}
    assert [r.explanation.clamp for r in result] == ["ceiling", "floor"]


def test_a_small_excess_against_a_large_shortfall_fixes_only_the_floor():
    # 0 % .. +50 %: a (last year 66) may have 66..99, b (last year 150) 150..225, c has no last year (free).
    # Equal split: 100 each, 1 over a's ceiling, 50 under b's floor. The shortfall is larger, so the true
    # scale is lower: b is fixed at 150 and the 150 left is spread again, 75 to a and 75 to c, which puts a
    # back inside its band (a capped at 99 would have been wrong).
    children = [Child("a", last_year=D(66)), Child("b", last_year=D(150)), Child("c")]
    result = split(300, children, GrowthBounds(min_growth=D(0), max_growth=D("0.5")))
    assert values(result) == {"a": D(75), "b": D(150), "c": D(75)}
    assert [r.explanation.clamp for r in result] == [None, "floor", None]
