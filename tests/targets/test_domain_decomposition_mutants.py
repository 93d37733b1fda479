"""Decomposition in steps of 0.01, where a unit is not 1 (so "x units" and "x / unit" differ), and the pool
shares of locked children and of children weighing nothing."""

from decimal import Decimal as D

from services.targets.domain.decomposition import Child, GrowthBounds, Method, SplitRequest, decompose

CENT = D("0.01")
SIX_PLACES = D("0.000001")


def test_an_equal_split_in_cents_explains_its_rounding_in_money():
    # 10.00 = 1000 cents over three: 333.33 cents each; floors 999, the spare cent to the smallest key a.
    result = decompose(SplitRequest(parent=D("10.00"), children=[Child("a"), Child("b"), Child("c")], step=CENT))
    assert [r.value for r in result] == [D("3.34"), D("3.33"), D("3.33")]
    a, c = result[0].explanation, result[2].explanation
    assert a.raw_value.quantize(SIX_PLACES) == D("3.333333")
    assert a.rounding_adjustment.quantize(SIX_PLACES) == D("0.006667")  # (334 - 333.33) cents
    assert c.rounding_adjustment.quantize(SIX_PLACES) == D("-0.003333")  # (333 - 333.33) cents
    # nothing to note: no growth bounds were asked for
    assert [r.explanation.notes for r in result] == [(), (), ()]
    assert a.unclamped_value is None


def test_a_ceiling_in_cents_shows_the_unclamped_value_in_money():
    # 10.00 split equally: 5.00 each. a may grow 30 % on 1.00 -> 1.30; b takes the other 8.70 (its ceiling is 11.70).
    children = [Child("a", last_year=D("1.00")), Child("b", last_year=D("9.00"))]
    request = SplitRequest(
        parent=D("10.00"), children=children, step=CENT, growth_bounds=GrowthBounds(max_growth=D("0.3"))
    )
    result = decompose(request)
    assert [r.value for r in result] == [D("1.30"), D("8.70")]
    a = result[0].explanation
    assert (a.clamp, a.unclamped_value, a.raw_value) == ("ceiling", D("5.00"), D("1.30"))
    assert result[1].explanation.notes == ()  # b has a last year, so its bounds apply


def test_a_locked_child_takes_no_share_of_the_pool():
    # a locked at 400: the 600 left goes to b and c, half each; a's share of that pool is 0.
    children = [Child("a", locked_value=D(400)), Child("b"), Child("c")]
    result = decompose(SplitRequest(parent=D(1000), children=children))
    assert [r.explanation.pool_share for r in result] == [D(0), D("0.5"), D("0.5")]


def test_a_child_weighing_nothing_takes_no_share_of_an_empty_pool():
    # a (weight 1) is locked at the whole parent, so the pool is 0 and b, weighing 0, gets 0 of it at share 0.
    children = [Child("a", manual_weight=D(1), locked_value=D(10)), Child("b", manual_weight=D(0))]
    result = decompose(SplitRequest(parent=D(10), children=children, method=Method.MANUAL))
    b = result[1].explanation
    assert (result[1].value, b.pool, b.pool_share) == (D(0), D(0), D(0))
