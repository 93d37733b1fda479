"""Weights: a method or indicator weighted zero is skipped (its data may be missing), and shares are exact."""

from decimal import Decimal as D
from fractions import Fraction

from services.targets.domain.model import Child, Method, SplitRequest
from services.targets.domain.weights import weigh_children


def test_a_blend_skips_a_method_weighted_zero_even_without_its_data():
    children = [Child("a"), Child("b"), Child("c")]  # no history at all
    request = SplitRequest(
        parent=D(300), children=children, method=Method.BLEND, blend_weights={"equal": D(1), "historical_share": D(0)}
    )
    weighting = weigh_children(request)
    assert weighting.shares == [Fraction(1, 3)] * 3
    assert weighting.basis == "equal 100 %"
    assert [method for method, _ in weighting.components] == [Method.EQUAL]


def test_market_potential_skips_an_indicator_weighted_zero_even_when_children_lack_it():
    children = [Child("a", indicators={"population": D(30)}), Child("b", indicators={"population": D(10)})]
    request = SplitRequest(
        parent=D(100),
        children=children,
        method=Method.MARKET_POTENTIAL,
        indicator_weights={"population": D(2), "income_per_head": D(0)},
    )
    weighting = weigh_children(request)
    assert weighting.shares == [Fraction(3, 4), Fraction(1, 4)]
    assert weighting.basis == "population 100 %"
    assert weighting.weights == [D("0.75"), D("0.25")]


def test_indicator_shares_combine_by_their_weights():
    # population 3 : 1 (weight 1), outlets 1 : 1 (weight 3): a = 1/4 x 3/4 + 3/4 x 1/2 = 9/16
    children = [
        Child("a", indicators={"population": D(3), "outlet_count": D(5)}),
        Child("b", indicators={"population": D(1), "outlet_count": D(5)}),
    ]
    request = SplitRequest(
        parent=D(100),
        children=children,
        method=Method.MARKET_POTENTIAL,
        indicator_weights={"population": D(1), "outlet_count": D(3)},
    )
    weighting = weigh_children(request)
    assert weighting.shares == [Fraction(9, 16), Fraction(7, 16)]
    assert weighting.basis == "population 25 %, outlet_count 75 %"


def test_an_equal_split_weighs_every_child_one():
    weighting = weigh_children(SplitRequest(parent=D(10), children=[Child("a"), Child("b")]))
    assert (weighting.weights, weighting.shares) == ([D(1), D(1)], [Fraction(1, 2)] * 2)
