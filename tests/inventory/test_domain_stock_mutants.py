"""Stock report rules at their edges: zero figures, the band's own limits, a gap of one unit, the near-expiry
third of shelf life to the day, and the explanation's stock-days and gap steps."""

from datetime import date, timedelta
from decimal import Decimal as D
from fractions import Fraction

import pytest

from services.inventory.domain.stock import (
    Batch,
    LineRejected,
    StockBand,
    StockLine,
    StockPolicy,
    band_status,
    check_line,
    derive_line,
    explain,
)

AS_OF = date(2026, 3, 15)
POLICY = StockPolicy()


@pytest.mark.parametrize(
    "line",
    [
        StockLine("A", opening=0, received=5, closing=0),
        StockLine("A", opening=5, received=0, closing=5, batches=(Batch("B1", AS_OF, 5),)),  # made on the day
        StockLine("A", opening=5, received=5, closing=0),
    ],
)
def test_zero_figures_and_a_batch_made_on_the_period_end_are_valid(line):
    check_line(line, AS_OF)  # no LineRejected


@pytest.mark.parametrize(
    "opening, received, closing, column",
    [(0, -1, 0, "received"), (0, 0, -1, "closing"), (-1, 0, 0, "opening")],
)
def test_the_first_negative_figure_is_the_column_named(opening, received, closing, column):
    with pytest.raises(LineRejected) as rejected:
        check_line(StockLine("A", opening, received, closing), AS_OF)
    assert rejected.value.column == column


def test_a_batch_of_nothing_is_rejected():
    line = StockLine("A", opening=5, received=0, closing=5, batches=(Batch("B1", AS_OF, 5), Batch("B2", AS_OF, 0)))
    with pytest.raises(LineRejected, match="positive"):
        check_line(line, AS_OF)


@pytest.mark.parametrize("low, high", [(0, 25), (26, 25)])
def test_a_band_needs_positive_ordered_limits(low, high):
    with pytest.raises(ValueError, match="stock band"):
        StockBand(low, high)


def test_a_band_of_one_day_or_starting_at_one_is_allowed():
    assert StockBand(20, 20).target == 20
    assert StockBand(1, 5).target == 3


def test_one_sold_and_three_left_is_21_days_normal():
    assert band_status(3, 1, POLICY) == "normal"


def line_with_gap_of_one(**extra):
    # sold 14 (2 a day), cover 22.5 x 2 = 45; closing 40 + open orders 4 = 44: one unit short
    return StockLine("C", opening=30, received=24, closing=40, open_orders=4, **extra)


def test_a_gap_of_one_unit_orders_one_case_and_the_default_case_is_one_unit():
    assert derive_line(line_with_gap_of_one(), AS_OF, POLICY).suggested_order == 1
    assert derive_line(line_with_gap_of_one(case_size=6), AS_OF, POLICY).suggested_order == 6


def test_without_a_previous_period_safety_stock_is_zero_and_only_that_is_flagged():
    derived = derive_line(StockLine("C", opening=30, received=24, closing=0), AS_OF, POLICY)
    assert derived.safety_stock == D(0)
    assert derived.flags == ("no_previous_period",)  # empty shelf: no batches to miss; no last closing to differ


def test_an_opening_equal_to_last_closing_and_reported_batches_raise_no_flag():
    line = StockLine(
        "C",
        opening=30,
        received=24,
        closing=40,
        previous_closing=30,
        previous_sold=14,
        batches=(Batch("B", AS_OF, 40),),
    )
    assert derive_line(line, AS_OF, POLICY).flags == ()


@pytest.mark.parametrize(
    "age_days, near",
    [
        (60, 0),  # shelf life 90: 30 days left is exactly a third, not less
        (61, 7),  # 29 days left: near expiry
        (31, 0),  # 59 days left
    ],
)
def test_near_expiry_is_less_than_a_third_of_shelf_life_left(age_days, near):
    batch = Batch("B", AS_OF - timedelta(days=age_days), 7)
    line = StockLine("C", opening=7, received=0, closing=7, batches=(batch,), shelf_life_days=90)
    assert derive_line(line, AS_OF, POLICY).near_expiry == near


def test_the_explanation_shows_stock_days_and_the_gap_net_of_closing_and_open_orders():
    line = line_with_gap_of_one(previous_sold=10)
    steps = explain(line, derive_line(line, AS_OF, POLICY), POLICY)
    assert "stock days = closing 40 ÷ daily sales = 20.0; band 20–25 days → normal" in steps
    assert "gap = needed 45 − closing 40 − open orders 4 = 1" in steps


@pytest.mark.parametrize(("age_days", "near"), [(60, 0), (61, 7)])
def test_a_configured_near_expiry_fraction_of_two_fifths(age_days, near):
    # shelf life 100, near expiry below 2/5 of it = 40 days left: at 60 days old 40 are left (not less),
    # at 61 days old 39 are left
    batch = Batch("B", AS_OF - timedelta(days=age_days), 7)
    line = StockLine("C", opening=7, received=0, closing=7, batches=(batch,), shelf_life_days=100)
    assert derive_line(line, AS_OF, StockPolicy(near_expiry_fraction=Fraction(2, 5))).near_expiry == near
