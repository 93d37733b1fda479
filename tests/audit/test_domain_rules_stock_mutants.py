"""Stock days at the band's exact edges (003: 20-25 days), nothing sold, and near-expiry on tiny stock."""

from decimal import Decimal as D

import pytest

from services.audit.domain.hits import default_setting
from services.audit.domain.rules_stock import near_expiry_stock, stock_days, stock_days_out_of_band
from tests.audit.facts_factory import stock

WEEKS = ("2026-03-02", "2026-03-09", "2026-03-16")


def three_weeks(opening: str, closing: str):
    """Three consecutive weekly lines, nothing received: sold = opening - closing."""
    return [stock(week, opening, "0", closing) for week in WEEKS]


def test_stock_days_of_nothing_sold_is_none_and_of_one_sold_is_closing_times_seven():
    assert stock_days(stock("2026-03-02", "5", "0", "5")) is None
    assert stock_days(stock("2026-03-02", "4", "0", "3")) == D(21)  # 3 left, 1 a week: 3 / (1/7) = 21 days


@pytest.mark.parametrize(
    "opening, closing, out_of_band",
    [
        ("27", "20", False),  # sold 7 a week (1 a day), 20 left: exactly 20 days, the band's floor
        ("32", "25", False),  # exactly 25 days, its ceiling
        ("26", "19", True),  # 19 days: short
        ("37", "30", True),  # 30 days: too much
        ("4", "3", False),  # sold 1, 3 left: 21 days, in band however small
        ("0", "0", False),  # nothing on hand and nothing sold: no stock to judge
        ("1", "1", True),  # nothing sold with stock left: infinite cover
    ],
)
def test_stock_days_band_edges(opening, closing, out_of_band):
    hits = stock_days_out_of_band(three_weeks(opening, closing), default_setting("stock_days_out_of_band"))
    assert len(hits) == (1 if out_of_band else 0)


def test_near_expiry_on_a_single_unit_of_stock():
    # closing 1, all of it near expiry: 100 % > 10 %
    lines = [stock("2026-03-02", "1", "0", "1", near_expiry="1"), stock("2026-03-09", "0", "0", "0")]
    assert [h.period for h in near_expiry_stock(lines, default_setting("near_expiry_stock"))] == ["2026-W10"]
