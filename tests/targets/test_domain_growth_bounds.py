"""Growth floors and ceilings versus last year: clamp, redistribute until stable, refuse the unreachable."""

from decimal import Decimal as D

import pytest

from services.targets.domain.decomposition import Child, GrowthBounds, Method, SplitRequest, decompose
from shared.errors import InvalidInput

BAND = GrowthBounds(min_growth=D("-0.10"), max_growth=D("0.30"))


def values(allocations):
    return {a.key: a.value for a in allocations}


def split(parent, children, bounds=BAND, step=D(1), method=Method.EQUAL):
    return decompose(SplitRequest(parent=D(parent), children=children, method=method, step=step, growth_bounds=bounds))


def test_ceiling_clamps_and_the_excess_goes_to_the_sibling():
    # equal split 500 / 500; a may grow at most 30 % on 100 -> 130; b takes the other 870
    # (b's band is 810..1170, so 870 is inside).
    result = split(1000, [Child("a", last_year=D(100)), Child("b", last_year=D(900))])
    assert values(result) == {"a": D(130), "b": D(870)}
    a = result[0].explanation
    assert (a.clamp, a.bound, a.unclamped_value, a.last_year) == ("ceiling", D(130), D(500), D(100))
    assert a.rounding_adjustment == 0
    assert result[0].sentence == (
        "Equal split gave 500, capped at 130 by the growth ceiling (+30.00 % on last year's 100); "
        "the excess went to the siblings within their bounds."
    )
    assert result[1].explanation.clamp is None
    assert result[1].explanation.raw_value == D(870)


def test_floor_lifts_a_child_and_the_shortfall_comes_from_the_others():
    # equal split 333.33 each; a may fall at most 10 % from 600 -> 540; the 460 left is 230 / 230.
    result = split(
        1000,
        [Child("a", last_year=D(600)), Child("b", last_year=D(200)), Child("c", last_year=D(200))],
        bounds=GrowthBounds(min_growth=D("-0.10")),
    )
    assert values(result) == {"a": D(540), "b": D(230), "c": D(230)}
    assert result[0].explanation.clamp == "floor"
    assert "raised to 540 by the growth floor (-10.00 % on last year's 600)" in result[0].sentence


def test_redistribution_iterates_until_stable():
    # ceilings (max +20 %): a 120, b 360, c 1200.
    # round 1: 333.33 each -> a over its ceiling -> a = 120;
    # round 2: 880 / 2 = 440 each -> b over 360 -> b = 360;
    # round 3: c = 520, inside its band -> stable.
    children = [Child("a", last_year=D(100)), Child("b", last_year=D(300)), Child("c", last_year=D(1000))]
    result = split(1000, children, bounds=GrowthBounds(max_growth=D("0.20")))
    assert values(result) == {"a": D(120), "b": D(360), "c": D(520)}
    assert [a.explanation.clamp for a in result] == ["ceiling", "ceiling", None]


def test_floor_and_ceiling_in_one_split():
    # equal split 250 each over 1000. a (last year 100, max +30 %) is capped at 130;
    # d (last year 500, min -10 %) is lifted to 450. Excess 120 < shortfall 200, so the floor is
    # fixed first: 550 left over a, b, c = 183.33 each -> a still over 130 -> capped;
    # 420 over b, c = 210 each; b, c have no last-year actual, so they are unbounded.
    children = [Child("a", last_year=D(100)), Child("b"), Child("c"), Child("d", last_year=D(500))]
    result = split(1000, children)
    assert values(result) == {"a": D(130), "b": D(210), "c": D(210), "d": D(450)}
    assert result[1].explanation.notes == ("no last-year actual, so the growth bounds do not apply",)


def test_bounds_round_inwards_to_the_step():
    # step 10: a's ceiling is 105 * 1.3 = 136.5 -> 130 (rounded down so it is never exceeded);
    # a's floor 105 * 0.9 = 94.5 -> 100 (rounded up). Equal split 500/500 -> a = 130, b = 870.
    result = split(1000, [Child("a", last_year=D(105)), Child("b", last_year=D(900))], step=D(10))
    assert values(result) == {"a": D(130), "b": D(870)}


def test_locked_children_are_not_bounded():
    # a is locked at 500 though its ceiling would be 130; b and c share 500 -> 250 each.
    children = [
        Child("a", last_year=D(100), locked_value=D(500)),
        Child("b", last_year=D(200)),
        Child("c", last_year=D(200)),
    ]
    assert values(split(1000, children)) == {"a": D(500), "b": D(250), "c": D(250)}


def test_zero_last_year_is_not_bounded():
    # growth on zero is undefined, so a new territory is free: 500 / 500 (b is inside 450..650).
    result = split(1000, [Child("a", last_year=D(0)), Child("b", last_year=D(500))])
    assert values(result) == {"a": D(500), "b": D(500)}


def test_bounds_with_weights_and_rounding():
    # manual weights 1:1:2 over 1001 -> 250.25 / 250.25 / 500.5; c capped at 1.3 * 300 = 390;
    # 611 over a, b = 305.5 each -> floors 610, tie on remainder and weight -> "a" -> 306 / 305 / 390.
    children = [
        Child("a", manual_weight=D(1)),
        Child("b", manual_weight=D(1)),
        Child("c", manual_weight=D(2), last_year=D(300)),
    ]
    result = split(1001, children, method=Method.MANUAL)
    assert values(result) == {"a": D(306), "b": D(305), "c": D(390)}
    assert "would be 250.25; it is 305.5 once growth bounds held other siblings" in result[0].sentence


def test_ceilings_that_cannot_hold_the_parent_are_refused():
    # ceilings 130 + 130 = 260 < 1000.
    with pytest.raises(InvalidInput) as caught:
        split(1000, [Child("a", last_year=D(100)), Child("b", last_year=D(100))])
    assert caught.value.field == "growth_bounds.max_growth"
    assert "260" in caught.value.detail


def test_floors_that_exceed_the_parent_are_refused():
    # floors 90 + 90 = 180 > 100.
    with pytest.raises(InvalidInput) as caught:
        split(100, [Child("a", last_year=D(100)), Child("b", last_year=D(100))])
    assert caught.value.field == "growth_bounds.min_growth"


def test_floors_count_against_what_locks_leave():
    # a locked at 950 leaves 50, but b's floor is 90.
    with pytest.raises(InvalidInput) as caught:
        split(1000, [Child("a", locked_value=D(950)), Child("b", last_year=D(100))])
    assert caught.value.field == "growth_bounds.min_growth"


@pytest.mark.parametrize(
    ("bounds", "field"),
    [
        (GrowthBounds(min_growth=D("-1.5")), "growth_bounds.min_growth"),
        (GrowthBounds(max_growth=D("-2")), "growth_bounds.max_growth"),
        (GrowthBounds(min_growth=D("0.5"), max_growth=D("0.1")), "growth_bounds.max_growth"),
        (GrowthBounds(min_growth="lots"), "growth_bounds.min_growth"),  # type: ignore[arg-type]  # refused input
    ],
)
def test_bad_bounds_are_refused(bounds, field):
    with pytest.raises(InvalidInput) as caught:
        split(1000, [Child("a", last_year=D(100)), Child("b")], bounds=bounds)
    assert caught.value.field == field


def test_a_band_narrower_than_the_step_is_refused():
    # step 100: last year 150, band 0 %..+10 % -> 150..165 holds no multiple of 100.
    with pytest.raises(InvalidInput) as caught:
        split(
            1000,
            [Child("a", last_year=D(150)), Child("b")],
            step=D(100),
            bounds=GrowthBounds(min_growth=D(0), max_growth=D("0.1")),
        )
    assert caught.value.field == "children[a].last_year"


def test_a_locked_child_with_an_empty_band_is_still_fine():
    # step 100, band 0 %..+10 % on 150 holds no multiple of 100, but a is locked, so its band is moot.
    children = [Child("a", last_year=D(150), locked_value=D(300)), Child("b")]
    result = split(1000, children, step=D(100), bounds=GrowthBounds(min_growth=D(0), max_growth=D("0.1")))
    assert values(result) == {"a": D(300), "b": D(700)}
