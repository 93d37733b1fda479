"""Stock report rules on hand-worked numbers (seed 000: 实销 = 上存 + 本进 − 本存, 安全库存 = 上期实销 × 1.5;
seed 003: 20–25 stock days)."""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.inventory.domain.stock import (
    Batch,
    LineRejected,
    StockBand,
    StockLine,
    StockPolicy,
    check_line,
    derive_line,
    explain,
)

AS_OF = date(2026, 3, 15)
POLICY = StockPolicy()  # 20–25 days, target 22.5, week of 7 days, near expiry below 1/3 of shelf life


def test_low_stock_grows_the_order_to_target_cover_net_of_open_orders_in_whole_cases():
    line = StockLine("A", opening=300, received=400, closing=210, previous_sold=420, open_orders=100, case_size=12)
    check_line(line, AS_OF)
    derived = derive_line(line, AS_OF, POLICY)
    # sold = 300 + 400 − 210 = 490; daily 490 / 7 = 70; stock days 210 / 70 = 3.0 < 20 → low
    assert derived.sold == 490
    assert derived.stock_days == D("3.0")
    assert derived.band == "low"
    # safety stock = 420 × 1.5 = 630
    assert derived.safety_stock == D("630")
    # cover 22.5 × 70 = 1575 > 630; gap 1575 − 210 − 100 = 1265; 1265 / 12 = 105.4 → 106 cases = 1272
    assert derived.suggested_order == 1272


def test_high_stock_orders_nothing():
    line = StockLine("B", opening=1000, received=0, closing=930, previous_sold=80, case_size=6)
    derived = derive_line(line, AS_OF, POLICY)
    # sold 70, daily 10, stock days 930 / 10 = 93.0 > 25 → high; cover 225 and safety 120 are both below 930
    assert (derived.sold, derived.stock_days, derived.band, derived.suggested_order) == (70, D("93.0"), "high", 0)
    assert derived.safety_stock == D("120.0")


def test_safety_stock_wins_over_cover_when_last_period_sold_more():
    line = StockLine("C", opening=30, received=24, closing=40, previous_sold=100, case_size=24)
    derived = derive_line(line, AS_OF, POLICY)
    # sold 14, daily 2, stock days 20.0 → normal (the band is inclusive); cover 22.5 × 2 = 45;
    # safety 100 × 1.5 = 150 > 45; gap 150 − 40 = 110; 110 / 24 = 4.6 → 5 cases = 120
    assert (derived.sold, derived.stock_days, derived.band) == (14, D("20.0"), "normal")
    assert derived.suggested_order == 120
    steps = explain(line, derived, POLICY)
    assert steps[0] == "sold = opening 30 + received 24 − closing 40 = 14"
    assert "safety stock = previous period's sold 100 × 1.5 = 150.0" in steps
    assert steps[-1] == "suggested order = gap rounded up to whole cases of 24 = 120"


def test_stock_days_round_half_up_to_a_tenth_and_band_uses_the_exact_ratio():
    # sold 28 (4 a day), closing 101 → 25.25 days → 25.3, above 25 → high even though 25.25 rounds near the edge
    derived = derive_line(StockLine("D", opening=129, received=0, closing=101), AS_OF, POLICY)
    assert (derived.stock_days, derived.band) == (D("25.3"), "high")
    # sold 28, closing 100 → exactly 25.0 → normal
    assert derive_line(StockLine("D", 128, 0, 100), AS_OF, POLICY).band == "normal"


def test_nothing_sold_with_stock_left_is_high_and_empty_shelf_is_low():
    idle = derive_line(StockLine("E", opening=50, received=0, closing=50), AS_OF, POLICY)
    assert (idle.stock_days, idle.band, idle.suggested_order) == (None, "high", 0)
    empty = derive_line(StockLine("E", opening=0, received=0, closing=0, previous_sold=10), AS_OF, POLICY)
    # nothing sold this week, so cover is 0, but safety stock 10 × 1.5 = 15 is ordered: one case of 12 is short → 24
    assert (empty.stock_days, empty.band) == (D(0), "low")
    assert derive_line(StockLine("E", 0, 0, 0, previous_sold=10, case_size=12), AS_OF, POLICY).suggested_order == 24


def test_band_per_sku_or_dealer_changes_the_judgement_and_the_target():
    line = StockLine("F", opening=100, received=0, closing=72, case_size=1)  # sold 28, daily 4, 18 days
    assert derive_line(line, AS_OF, POLICY).band == "low"
    narrow = StockPolicy(band=StockBand(low_days=15, high_days=18, target_days=Fraction(30)))
    derived = derive_line(line, AS_OF, narrow)
    # 18.0 days is inside 15–18; target 30 days × 4 = 120 − 72 = 48
    assert (derived.band, derived.suggested_order) == ("normal", 48)


def test_batches_give_oldest_age_and_near_expiry_quantity():
    line = StockLine(
        "G",
        opening=100,
        received=0,
        closing=70,
        shelf_life_days=180,
        batches=(Batch("B-OLD", date(2025, 10, 1), 30), Batch("B-NEW", date(2026, 2, 1), 40)),
    )
    check_line(line, AS_OF)
    derived = derive_line(line, AS_OF, POLICY)
    # 2025-10-01 → 2026-03-15: 31 + 30 + 31 + 31 + 28 + 14 = 165 days old
    # shelf life 180: B-OLD has 180 − 165 = 15 days left < 60 (a third) → near expiry; B-NEW 180 − 42 = 138 left
    assert derived.oldest_age_days == 165
    assert derived.near_expiry == 30
    assert "near_expiry" in derived.flags


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        (StockLine("H", opening=10, received=5, closing=16), "closing", "larger than opening + received = 15"),
        (StockLine("H", opening=-1, received=5, closing=1), "opening", "negative"),
        (StockLine("H", 10, 0, 10, batches=(Batch("X", date(2026, 1, 1), 9),)), "batches", "sum to 9, not to closing"),
        (StockLine("H", 10, 0, 2, batches=(Batch("X", date(2026, 1, 1), 1),) * 2), "batches", "appears twice"),
        (StockLine("H", 10, 0, 1, batches=(Batch("X", date(2026, 4, 1), 1),)), "batches", "after the period end"),
    ],
)
def test_lines_that_cannot_be_true_are_rejected_naming_the_column(line, column, words):
    with pytest.raises(LineRejected) as caught:
        check_line(line, AS_OF)
    assert caught.value.column == column
    assert words in caught.value.reason


def test_opening_that_differs_from_last_closing_is_accepted_and_flagged():
    # A dealer's count corrects the books (breakage, a miscount): refusing it would block the whole report.
    derived = derive_line(StockLine("I", opening=95, received=0, closing=90, previous_closing=100), AS_OF, POLICY)
    assert "opening_differs_from_last_closing" in derived.flags
    assert "no_previous_period" in derived.flags
    assert "batches_missing" in derived.flags


@given(
    opening=st.integers(0, 10_000),
    received=st.integers(0, 10_000),
    closing_share=st.fractions(0, 1),
    previous_sold=st.one_of(st.none(), st.integers(0, 10_000)),
    open_orders=st.integers(0, 5_000),
    case_size=st.integers(1, 48),
)
def test_suggested_order_restores_cover_and_safety_stock_within_one_case(
    opening, received, closing_share, previous_sold, open_orders, case_size
):
    closing = int((opening + received) * closing_share)
    line = StockLine(
        "P", opening, received, closing, previous_sold=previous_sold, open_orders=open_orders, case_size=case_size
    )
    derived = derive_line(line, AS_OF, POLICY)
    need = max(Fraction(derived.sold * 45, 14), Fraction(previous_sold or 0) * Fraction(3, 2))
    after = closing + open_orders + derived.suggested_order
    assert derived.suggested_order % case_size == 0
    assert after >= need  # cover and safety stock restored
    if derived.suggested_order:
        assert after - case_size < need  # but not a case more than needed
