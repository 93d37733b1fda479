"""Decomposition over the organisation: each method by hand, locks, explanations, every refusal."""

from decimal import Decimal as D

import pytest

from services.targets.domain.decomposition import (
    Child,
    GrowthBounds,
    Method,
    SplitRequest,
    decompose,
    split_by_product_share,
)
from shared.errors import InvalidInput


def values(allocations):
    return {a.key: a.value for a in allocations}


def refused(request) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        decompose(request)
    return caught.value


# --- each method, computed by hand ---------------------------------------------------------


def test_equal_split_gives_the_leftover_unit_to_the_smallest_key():
    # 1000 / 3 = 333.33 each; floors 333+333+333 = 999, 1 unit left; remainders tie (1/3),
    # weights tie, so the smallest key "a" gets it -> 334 / 333 / 333.
    result = decompose(SplitRequest(parent=D(1000), children=[Child("a"), Child("b"), Child("c")]))
    assert values(result) == {"a": D(334), "b": D(333), "c": D(333)}
    assert sum(values(result).values()) == D(1000)


def test_tie_break_by_key_does_not_depend_on_input_order():
    # 1 / 2 = 0.5 each; the single unit goes to the smaller key "a" although it is listed second.
    result = decompose(SplitRequest(parent=D(1), children=[Child("b"), Child("a")]))
    assert values(result) == {"a": D(1), "b": D(0)}


def test_historical_share_weighs_the_chosen_period():
    # 2024 actuals 300 : 200 : 100 (sum 600). 1000 * 300/600 = 500, * 200/600 = 333.33, * 100/600 = 166.67.
    # Floors 500 + 333 + 166 = 999; largest remainder is c (2/3) -> 500 / 333 / 167.
    # The 2023 actuals are there to show the period is honoured.
    children = [
        Child("a", history={"2024": D(300), "2023": D(1)}),
        Child("b", history={"2024": D(200), "2023": D(1)}),
        Child("c", history={"2024": D(100), "2023": D(1)}),
    ]
    request = SplitRequest(parent=D(1000), children=children, method=Method.HISTORICAL_SHARE, history_period="2024")
    result = decompose(request)
    assert values(result) == {"a": D(500), "b": D(333), "c": D(167)}
    c = result[2].explanation
    assert c.method is Method.HISTORICAL_SHARE
    assert c.weight == D(100)
    assert c.basis == "2024 actuals"
    assert c.share.quantize(D("0.0001")) == D("0.1667")
    assert c.raw_value.quantize(D("0.01")) == D("166.67")
    assert c.rounding_adjustment.quantize(D("0.01")) == D("0.33")
    assert "Historical share (2024 actuals)" in result[2].sentence
    assert "rounded up by 0.33 to 167" in result[2].sentence


def test_market_potential_normalises_each_indicator_then_combines():
    # indicator weights 2:1:1 -> population 0.5, income 0.25, outlets 0.25.
    # population 300:100 -> 0.75/0.25; income 20:30 -> 0.4/0.6; outlets 10:30 -> 0.25/0.75.
    # x = 0.5*0.75 + 0.25*0.4 + 0.25*0.25 = 0.5375; y = 0.125 + 0.15 + 0.1875 = 0.4625.
    # parent 10000 step 100 = 100 units -> 53.75 / 46.25 -> floors 53 + 46 = 99, x has the larger
    # remainder (0.75) -> 54 / 46 units = 5400 / 4600.
    children = [
        Child("x", indicators={"population": D(300), "income_per_head": D(20), "outlet_count": D(10)}),
        Child("y", indicators={"population": D(100), "income_per_head": D(30), "outlet_count": D(30)}),
    ]
    request = SplitRequest(
        parent=D(10000),
        children=children,
        method=Method.MARKET_POTENTIAL,
        step=D(100),
        indicator_weights={"population": D(2), "income_per_head": D(1), "outlet_count": D(1)},
    )
    result = decompose(request)
    assert values(result) == {"x": D(5400), "y": D(4600)}
    assert result[0].explanation.share == D("0.5375")
    assert result[0].explanation.raw_value == D("5375")
    assert result[0].explanation.basis == "population 50 %, income_per_head 25 %, outlet_count 25 %"


def test_manual_weights():
    # weights 1:2:3 over 10 -> 1.67 / 3.33 / 5; floors 1 + 3 + 5 = 9; a has the largest remainder (2/3) -> 2 / 3 / 5.
    children = [Child("a", manual_weight=D(1)), Child("b", manual_weight=D(2)), Child("c", manual_weight=D(3))]
    result = decompose(SplitRequest(parent=D(10), children=children, method=Method.MANUAL))
    assert values(result) == {"a": D(2), "b": D(3), "c": D(5)}


def test_blend_of_historical_share_and_equal_split():
    # blend weights 3:1 -> historical 0.75, equal 0.25. History 300:100 -> 0.75/0.25; equal 0.5/0.5.
    # a = 0.75*0.75 + 0.25*0.5 = 0.6875; b = 0.75*0.25 + 0.25*0.5 = 0.3125.
    # 1000 -> 687.5 / 312.5; floors 999; remainders tie at 0.5, the larger weight (a) wins -> 688 / 312.
    children = [Child("a", history={"2024": D(300)}), Child("b", history={"2024": D(100)})]
    request = SplitRequest(
        parent=D(1000),
        children=children,
        method=Method.BLEND,
        history_period="2024",
        blend_weights={Method.HISTORICAL_SHARE: D(3), Method.EQUAL: D(1)},
    )
    result = decompose(request)
    assert values(result) == {"a": D(688), "b": D(312)}
    a = result[0].explanation
    assert a.share == D("0.6875")
    assert dict(a.components) == {"historical_share": D("0.75"), "equal": D("0.5")}
    assert a.basis == "historical_share 75 %, equal 25 %"


def test_blend_weights_accept_method_names():
    children = [Child("a", manual_weight=D(1)), Child("b", manual_weight=D(3))]
    request = SplitRequest(parent=D(8), children=children, method=Method.BLEND, blend_weights={"manual": D("0.5")})
    # a blend of one method is that method: 8 * 1/4 = 2, 8 * 3/4 = 6.
    assert values(decompose(request)) == {"a": D(2), "b": D(6)}


def test_product_split_by_share():
    # shares 50:30:20 of 999 -> 499.5 / 299.7 / 199.8; floors 499 + 299 + 199 = 997, 2 left:
    # remainders 0.8 (snacks), 0.7 (juice), 0.5 (tea) -> snacks and juice get one -> 499 / 300 / 200.
    result = split_by_product_share(D(999), {"tea": D(50), "juice": D(30), "snacks": D(20)}, step=D(1))
    assert values(result) == {"tea": D(499), "juice": D(300), "snacks": D(200)}
    assert result[0].explanation.method is Method.PRODUCT_SHARE


def test_product_split_keeps_a_locked_line():
    # tea locked at 600; the 400 left goes 30:20 -> 240 / 160.
    result = split_by_product_share(
        D(1000), {"tea": D(50), "juice": D(30), "snacks": D(20)}, step=1, locked_products={"tea": D(600)}
    )
    assert values(result) == {"tea": D(600), "juice": D(240), "snacks": D(160)}


# --- locks ----------------------------------------------------------------------------------


def test_locked_child_keeps_its_value_and_the_rest_follows_the_weights():
    # a locked at 400; the 600 left goes b:c = 1:2 -> 200 / 400.
    children = [
        Child("a", locked_value=D(400), manual_weight=D(5)),
        Child("b", manual_weight=D(1)),
        Child("c", manual_weight=D(2)),
    ]
    result = decompose(SplitRequest(parent=D(1000), children=children, method=Method.MANUAL))
    assert values(result) == {"a": D(400), "b": D(200), "c": D(400)}
    assert result[0].explanation.locked
    assert result[0].sentence.startswith("Locked at 400")
    b = result[1].explanation
    assert (b.pool, b.pool_share) == (D(600), D(1) / D(3))
    assert "the 600 left after locked siblings" in result[1].sentence


def test_lock_then_largest_remainder_over_the_unlocked():
    # 1000 - 500 = 500 over b, c, d -> 166.67 each, floors 498, 2 left -> b, c (smallest keys) -> 167/167/166.
    children = [Child("a", locked_value=D(500)), Child("b"), Child("c"), Child("d")]
    assert values(decompose(SplitRequest(parent=D(1000), children=children))) == {
        "a": D(500),
        "b": D(167),
        "c": D(167),
        "d": D(166),
    }


def test_all_locked_children_that_sum_to_the_parent_are_accepted():
    children = [Child("a", locked_value=D(600)), Child("b", locked_value=D(400))]
    assert values(decompose(SplitRequest(parent=D(1000), children=children))) == {"a": D(600), "b": D(400)}


def test_locks_may_take_the_whole_parent():
    children = [Child("a", locked_value=D(1000)), Child("b"), Child("c")]
    assert values(decompose(SplitRequest(parent=D(1000), children=children))) == {"a": D(1000), "b": D(0), "c": D(0)}


def test_zero_weight_child_gets_nothing():
    children = [Child("a", manual_weight=D(0)), Child("b", manual_weight=D(1))]
    assert values(decompose(SplitRequest(parent=D(7), children=children, method=Method.MANUAL))) == {
        "a": D(0),
        "b": D(7),
    }


# --- refusals, each naming the field ------------------------------------------------------------

HIST = {"2024": D(1)}


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (SplitRequest(parent=D(10), children=[]), "children"),
        (SplitRequest(parent=D(10), children=[Child("a"), Child("a")]), "children[a]"),
        (SplitRequest(parent=D(-10), children=[Child("a")]), "parent"),
        (SplitRequest(parent=10.0, children=[Child("a")]), "parent"),  # type: ignore[arg-type]  # a float is refused
        (SplitRequest(parent=D("10.5"), children=[Child("a")]), "parent"),
        (SplitRequest(parent=D(10), children=[Child("a")], step=D(0)), "step"),
        (SplitRequest(parent=D(10), children=[Child("a")], step=D(-1)), "step"),
        (SplitRequest(parent=D(10), children=[Child("a")], step=D("NaN")), "step"),
        (SplitRequest(parent=D(10), children=[Child("a")], step="one"), "step"),  # type: ignore[arg-type]  # refused
        (SplitRequest(parent=D(10), children=[Child("a")], method="guess"), "method"),  # type: ignore[arg-type]  # refused
        (SplitRequest(parent=D(10), children=[Child("a")], method=Method.SEASONALITY), "method"),
        # historical share
        (
            SplitRequest(parent=D(10), children=[Child("a", history=HIST)], method=Method.HISTORICAL_SHARE),
            "history_period",
        ),
        (
            SplitRequest(
                parent=D(10),
                children=[Child("a", history=HIST), Child("b", history={"2023": D(5)})],
                method=Method.HISTORICAL_SHARE,
                history_period="2024",
            ),
            "children[b].history",
        ),
        (
            SplitRequest(
                parent=D(10),
                children=[Child("a", history=HIST), Child("b")],
                method=Method.HISTORICAL_SHARE,
                history_period="2024",
            ),
            "children[b].history",
        ),
        (
            SplitRequest(
                parent=D(10),
                children=[Child("a", history={"2024": D(-1)})],
                method=Method.HISTORICAL_SHARE,
                history_period="2024",
            ),
            "children[a].history",
        ),
        (
            SplitRequest(
                parent=D(10),
                children=[Child("a", history={"2024": D(0)}), Child("b", history={"2024": D(0)})],
                method=Method.HISTORICAL_SHARE,
                history_period="2024",
            ),
            "children[*].history",
        ),
        # manual weights
        (
            SplitRequest(parent=D(10), children=[Child("a", manual_weight=D(1)), Child("b")], method=Method.MANUAL),
            "children[b].manual_weight",
        ),
        (
            SplitRequest(parent=D(10), children=[Child("a", manual_weight=D(-1))], method=Method.MANUAL),
            "children[a].manual_weight",
        ),
        (
            SplitRequest(
                parent=D(10),
                children=[Child("a", manual_weight=D(0)), Child("b", manual_weight=D(0))],
                method=Method.MANUAL,
            ),
            "children[*].manual_weight",
        ),
        # market potential
        (
            SplitRequest(
                parent=D(10), children=[Child("a", indicators={"population": D(1)})], method=Method.MARKET_POTENTIAL
            ),
            "indicator_weights",
        ),
        (
            SplitRequest(
                parent=D(10),
                children=[Child("a", indicators={"population": D(1)})],
                method=Method.MARKET_POTENTIAL,
                indicator_weights={"population": D(0)},
            ),
            "indicator_weights",
        ),
        (
            SplitRequest(
                parent=D(10),
                children=[Child("a", indicators={"population": D(1)})],
                method=Method.MARKET_POTENTIAL,
                indicator_weights={"population": D(-1)},
            ),
            "indicator_weights[population]",
        ),
        (
            SplitRequest(
                parent=D(10),
                children=[Child("a", indicators={"population": D(-5)})],
                method=Method.MARKET_POTENTIAL,
                indicator_weights={"population": D(1)},
            ),
            "children[a].indicators.population",
        ),
        (
            SplitRequest(
                parent=D(10),
                children=[
                    Child("a", indicators={"population": D(5)}),
                    Child("b", indicators={"income_per_head": D(5)}),
                ],
                method=Method.MARKET_POTENTIAL,
                indicator_weights={"population": D(1)},
            ),
            "children[b].indicators.population",
        ),
        (
            SplitRequest(
                parent=D(10),
                children=[Child("a", indicators={"outlet_count": D(0)}), Child("b", indicators={"outlet_count": D(0)})],
                method=Method.MARKET_POTENTIAL,
                indicator_weights={"outlet_count": D(1)},
            ),
            "children[*].indicators.outlet_count",
        ),
        # blends
        (SplitRequest(parent=D(10), children=[Child("a")], method=Method.BLEND), "blend_weights"),
        (
            SplitRequest(parent=D(10), children=[Child("a")], method=Method.BLEND, blend_weights={"equal": D(0)}),
            "blend_weights",
        ),
        (
            SplitRequest(parent=D(10), children=[Child("a")], method=Method.BLEND, blend_weights={"equal": D(-1)}),
            "blend_weights[equal]",
        ),
        (
            SplitRequest(parent=D(10), children=[Child("a")], method=Method.BLEND, blend_weights={"blend": D(1)}),
            "blend_weights[blend]",
        ),
        (
            SplitRequest(parent=D(10), children=[Child("a")], method=Method.BLEND, blend_weights={"vibes": D(1)}),
            "blend_weights[vibes]",
        ),
        (
            SplitRequest(
                parent=D(10),
                children=[Child("a")],
                method=Method.BLEND,
                blend_weights={"equal": D(1), "historical_share": D(1)},
                history_period="2024",
            ),
            "children[a].history",
        ),
        # locks
        (SplitRequest(parent=D(10), children=[Child("a", locked_value=D(-1)), Child("b")]), "children[a].locked_value"),
        (
            SplitRequest(parent=D(10), children=[Child("a", locked_value=D("2.5")), Child("b")]),
            "children[a].locked_value",
        ),
        (
            SplitRequest(
                parent=D(10), children=[Child("a", locked_value=D(8)), Child("b", locked_value=D(5)), Child("c")]
            ),
            "children[*].locked_value",
        ),
        (
            SplitRequest(parent=D(10), children=[Child("a", locked_value=D(3)), Child("b", locked_value=D(5))]),
            "children[*].locked_value",
        ),
        (
            SplitRequest(
                parent=D(10),
                children=[Child("a", locked_value=D(4), manual_weight=D(1)), Child("b", manual_weight=D(0))],
                method=Method.MANUAL,
            ),
            "children[*].manual_weight",
        ),
        # growth bounds
        (
            SplitRequest(
                parent=D(10), children=[Child("a", last_year=D(-1))], growth_bounds=GrowthBounds(max_growth=D("0.3"))
            ),
            "children[a].last_year",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(request_, field):
    error = refused(request_)
    assert error.field == field
    assert error.status == 422
    assert error.errors == [{"field": field, "reason": error.detail}]


def test_missing_history_names_the_child_and_the_period():
    children = [Child("north", history={"2024": D(1)}), Child("south-7")]
    request = SplitRequest(parent=D(10), children=children, method=Method.HISTORICAL_SHARE, history_period="2024")
    error = refused(request)
    assert "south-7" in error.detail and "2024" in error.detail


def test_locks_exceeding_the_parent_say_by_how_much():
    children = [Child("a", locked_value=D(800)), Child("b", locked_value=D(300)), Child("c")]
    error = refused(SplitRequest(parent=D(1000), children=children))
    assert "1100" in error.detail and "1000" in error.detail


@pytest.mark.parametrize(
    ("shares", "locked", "field"),
    [
        ({}, None, "product_shares"),
        ({"tea": D(-1)}, None, "product_shares[tea]"),
        ({"tea": D(0), "juice": D(0)}, None, "product_shares"),
        ({"tea": D(1)}, {"coffee": D(1)}, "locked_products[coffee]"),
        ({"tea": D(1), "juice": D(1)}, {"tea": D(11)}, "locked_products"),
    ],
)
def test_bad_product_split_is_refused(shares, locked, field):
    with pytest.raises(InvalidInput) as caught:
        split_by_product_share(D(10), shares, step=1, locked_products=locked)
    assert caught.value.field == field


def test_explanation_serialises_to_plain_values():
    result = decompose(SplitRequest(parent=D(1000), children=[Child("a"), Child("b"), Child("c")]))
    view = result[0].explanation.as_dict()
    assert view["method"] == "equal"
    assert view["value"] == "334.00"
    assert view["locked"] is False and view["clamp"] is None
    assert view["sentence"] == (
        "Equal split: 33.33 % of 1000 = 333.33, rounded up by 0.67 to 334; the children add up to exactly 1000."
    )
