"""Market rules: price floor, cross-region goods (窜货), stuffing (压货), overdue debts, withheld promotions (截留)."""

from datetime import date
from decimal import Decimal as D

from services.audit.domain.facts import (
    BatchSighting,
    OrderFact,
    PriceObservation,
    PromotionDelivery,
    PromotionIssue,
    ReceivableFact,
    ReturnFact,
    Shipment,
    SkuPrice,
)
from services.audit.domain.hits import default_setting
from services.audit.domain.rules_market import (
    channel_stuffing,
    cross_region_goods,
    price_below_floor,
    promotion_withheld,
    receivable_overdue,
)
from tests.audit.facts_factory import uid

PRICES = {"SKU-1": SkuPrice("SKU-1", floor_price=D("10.00"), list_price=D("12.00"), event_id="ev-sku")}
DEALER, OFFICE = uid("dealer"), uid("office")


def seen(name: str, price: str, subject: str = "outlet:o1", on: str = "2026-03-14") -> PriceObservation:
    return PriceObservation(name, "visit", subject, OFFICE, "SKU-1", D(price), date.fromisoformat(on), f"ev-{name}")


def test_price_below_floor_or_off_list():
    # 9.90 < floor 10.00 fires. 10.20 is off list by 1.80 / 12 = 15 % exactly: silent. 13.90: 1.90 / 12 = 15.8 %.
    hits = price_below_floor(
        [seen("low", "9.90"), seen("edge", "10.20", "outlet:o2"), seen("high", "13.90", "dealer:d1")],
        PRICES,
        default_setting("price_below_floor"),
    )
    assert sorted((h.subject, h.period) for h in hits) == [
        ("dealer:d1/sku:SKU-1", "2026-03"),
        ("outlet:o1/sku:SKU-1", "2026-03"),
    ]


def test_price_repeat_in_the_month_is_one_hit_with_both_sources():
    hits = price_below_floor(
        [seen("a", "9.90"), seen("b", "9.50", on="2026-03-20")], PRICES, default_setting("price_below_floor")
    )
    assert [(h.sources, h.evidence["lowest"]) for h in hits] == [(("ev-a", "ev-b"), "9.50")]


def test_cross_region_goods():
    east, west = uid("east"), uid("west")
    shipped = Shipment("s1", DEALER, OFFICE, east, "SKU-1", "B1", D(100), date(2026, 3, 1), "ev-ship")
    abroad = BatchSighting("x1", uid("w-outlet"), uid("w-office"), west, "SKU-1", "B1", date(2026, 3, 20), "ev-seen")
    at_home = BatchSighting("x2", uid("e-outlet"), OFFICE, east, "SKU-1", "B1", date(2026, 3, 20), "ev-home")
    hits = cross_region_goods([abroad, at_home], [shipped], default_setting("cross_region_goods"))
    assert [(h.subject, h.org_unit_id, h.sources) for h in hits] == [
        (f"outlet:{uid('w-outlet')}/batch:B1", uid("w-office"), ("ev-seen", "ev-ship"))
    ]


def order(name: str, on: str, amount: str) -> OrderFact:
    return OrderFact(name, DEALER, OFFICE, date.fromisoformat(on), D(amount), f"ev-{name}")


def back(name: str, on: str, amount: str) -> ReturnFact:
    return ReturnFact(name, DEALER, OFFICE, date.fromisoformat(on), D(amount), f"ev-{name}")


def test_channel_stuffing():
    # March: 500 on the 3rd, 600 on the 28th (last 5 days: 27-31). 600 / 1100 = 54.5 % > 40 %.
    # Returns by 10 April: 150 on the 5th = 25 % of 600 >= 20 % -> fires.
    orders = [order("o1", "2026-03-03", "500"), order("o2", "2026-03-28", "600")]
    hits = channel_stuffing(orders, [back("r1", "2026-04-05", "150")], default_setting("channel_stuffing"))
    assert [(h.subject, h.period, h.sources) for h in hits] == [(f"dealer:{DEALER}", "2026-03", ("ev-o2", "ev-r1"))]
    assert hits[0].evidence == {"month_total": "1100", "month_end_orders": "600", "returned_next_month": "150"}
    # Near misses: 110 back is 18.3 %; 150 back on 12 April is past the 10 days.
    for r in (back("r2", "2026-04-06", "110"), back("r3", "2026-04-12", "150")):
        assert channel_stuffing(orders, [r], default_setting("channel_stuffing")) == []


def test_receivable_overdue_beyond_ninety_days():
    # Due 1 January; 2 April is 31 + 28 + 31 + 1 = 91 days later (> 90); 1 April is 90.
    debt = ReceivableFact("inv-1", DEALER, OFFICE, date(2026, 1, 1), D("5000"), "ev-inv")
    assert [
        h.evidence["days_overdue"]
        for h in receivable_overdue([debt], date(2026, 4, 2), default_setting("receivable_overdue"))
    ] == [91]
    assert receivable_overdue([debt], date(2026, 4, 1), default_setting("receivable_overdue")) == []


def test_promotion_withheld():
    # 100 posters issued 5 March; judged after 31 March + 14 days = 14 April. 79 delivered = 79 % < 80 %.
    issue = PromotionIssue("i1", DEALER, OFFICE, "poster", D(100), date(2026, 3, 5), "ev-issue")

    def delivered(quantity: str):
        return PromotionDelivery("d1", DEALER, uid("outlet"), "poster", D(quantity), date(2026, 3, 20), "ev-deliv")

    setting = default_setting("promotion_withheld")
    hits = promotion_withheld([issue], [delivered("79")], date(2026, 4, 15), setting)
    assert [(h.subject, h.period, h.sources) for h in hits] == [
        (f"dealer:{DEALER}/material:poster", "2026-03", ("ev-deliv", "ev-issue"))
    ]
    assert promotion_withheld([issue], [delivered("80")], date(2026, 4, 15), setting) == []
    assert promotion_withheld([issue], [delivered("79")], date(2026, 4, 14), setting) == []  # still in grace
