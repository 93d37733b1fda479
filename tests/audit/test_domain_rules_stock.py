"""Stock-report rules (000: sold = opening + received - closing; 003: stock days 20-25) with near misses."""

from decimal import Decimal as D

from services.audit.domain.hits import default_setting
from services.audit.domain.rules_stock import (
    near_expiry_stock,
    negative_sold,
    receipt_mismatch,
    stock_days,
    stock_days_out_of_band,
)
from tests.audit.facts_factory import stock


def test_negative_sold():
    # 100 + 20 - 130 = -10 fires; 100 + 20 - 120 = 0 does not.
    hits = negative_sold([stock("2026-03-02", "100", "20", "130"), stock("2026-03-09", "100", "20", "120")],
                         default_setting("negative_sold"))  # fmt: skip
    assert [(h.period, h.evidence["sold"]) for h in hits] == [("2026-W10", "-10")]


def test_receipt_mismatch_beyond_tolerance():
    # Shipped 100, tolerance 2 %: 2 units. Received 97 differs by 3 (fires); 98 by exactly 2 (silent).
    lines = [stock("2026-03-02", "0", "97", "0", shipped="100"), stock("2026-03-09", "0", "98", "0", shipped="100")]
    hits = receipt_mismatch(lines, default_setting("receipt_mismatch"))
    assert [h.period for h in hits] == ["2026-W10"]


def test_stock_days_out_of_band_three_consecutive_weeks():
    # 100 + 70 - 100: sold 70, 10 a day, closing 100 -> 10 days (< 20). 220 + 70 - 220: 22 days (in band).
    low = [stock(w, "100", "70", "100") for w in ("2026-03-02", "2026-03-09", "2026-03-16")]
    assert stock_days(low[0]) == D(10)
    hits = stock_days_out_of_band(low, default_setting("stock_days_out_of_band"))
    assert [(h.period, h.evidence["weeks"]) for h in hits] == [("2026-W12", 3)]
    # Near misses: the third week in band, or a week missing between the low ones.
    in_band = [*low[:2], stock("2026-03-16", "220", "70", "220")]
    assert stock_days(in_band[2]) == D(22)
    assert stock_days_out_of_band(in_band, default_setting("stock_days_out_of_band")) == []
    gap = [*low[:2], stock("2026-03-23", "100", "70", "100")]
    assert stock_days_out_of_band(gap, default_setting("stock_days_out_of_band")) == []


def test_near_expiry_share_above_threshold():
    # 21 / 200 = 10.5 % > 10 %; 20 / 200 = 10 % exactly is allowed.
    lines = [
        stock("2026-03-02", "200", "0", "200", near_expiry="21"),
        stock("2026-03-09", "200", "0", "200", near_expiry="20"),
    ]
    assert [h.period for h in near_expiry_stock(lines, default_setting("near_expiry_stock"))] == ["2026-W10"]
