"""One hand-built scenario with a firing case and a near miss for every rule (see the test_domain_rules_* files
for the arithmetic), and what the pure rules say about it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from services.audit.domain import rules_market as m
from services.audit.domain import rules_stock as st
from services.audit.domain import rules_targets as tg
from services.audit.domain import rules_visits as vi
from services.audit.domain.facts import (
    BatchSighting,
    ComplianceFact,
    OrderFact,
    PriceObservation,
    ProgressBehind,
    PromotionDelivery,
    PromotionIssue,
    ReceivableFact,
    ReturnFact,
    Shipment,
    SkuPrice,
)
from services.audit.domain.hits import default_setting
from tests.audit.facts_factory import stock, uid, visit

AS_OF = date(2026, 4, 15)
OFFICE, DEALER = uid("office"), uid("dealer")
PRICE = SkuPrice("SKU-1", D("10.0000"), D("12.0000"), "ev-price")


def scenario() -> list:
    east, west = uid("east"), uid("west")
    return [
        PRICE,
        PriceObservation("p-low", "visit", "outlet:o1", OFFICE, "SKU-1", D("9.90"), date(2026, 3, 14), "ev-p-low"),
        PriceObservation("p-edge", "visit", "outlet:o2", OFFICE, "SKU-1", D("10.20"), date(2026, 3, 14), "ev-p-edge"),
        Shipment("s1", DEALER, OFFICE, east, "SKU-1", "B1", D(100), date(2026, 3, 1), "ev-ship"),
        BatchSighting("x1", uid("w-outlet"), uid("w-office"), west, "SKU-1", "B1", date(2026, 3, 20), "ev-seen"),
        BatchSighting("x2", uid("e-outlet"), OFFICE, east, "SKU-1", "B1", date(2026, 3, 20), "ev-home"),
        visit("far", pos=(30.003, 120.0), rep="r-far"),
        visit("near", pos=(30.0025, 120.0), rep="r-near"),
        visit("quick", until="2026-03-14T09:09", rep="r-quick"),
        visit("ok", until="2026-03-14T09:10", rep="r-ok"),
        visit("a", at="2026-03-14T09:30", until="2026-03-14T10:00", rep="r-fast"),
        visit("b", at="2026-03-14T10:20", until="2026-03-14T10:40", pos=(30.9, 120.0), rep="r-fast"),
        visit("v1", photos=("h1",), rep="r-photo"),
        visit("v2", at="2026-03-21T09:00", until="2026-03-21T09:30", photos=("h1",), rep="r-photo"),
        visit("v3", photos=("h2", "h2"), rep="r-photo2"),
        visit("dodgy", score="0.55", rep="r-dodgy"),
        visit("fine", score="0.60", rep="r-fine"),
        stock("2026-03-02", "100", "20", "130"),  # sold -10
        stock("2026-03-09", "100", "70", "100", shipped="74"),  # 10 days; received 70 vs 74 shipped (> 2 %)
        stock("2026-03-16", "100", "70", "100"),
        stock("2026-03-23", "100", "70", "100"),  # third low week in a row (the first was low too: no sales)
        stock("2026-03-30", "200", "0", "200", near_expiry="21"),
        OrderFact("o1", DEALER, OFFICE, date(2026, 3, 3), D("500"), "ev-o1"),
        OrderFact("o2", DEALER, OFFICE, date(2026, 3, 28), D("600"), "ev-o2"),
        ReturnFact("r1", DEALER, OFFICE, date(2026, 4, 5), D("150"), "ev-r1"),
        ReceivableFact("inv-1", DEALER, OFFICE, date(2026, 1, 1), D("5000"), "ev-inv-1"),
        ReceivableFact("inv-2", DEALER, OFFICE, date(2026, 1, 20), D("5000"), "ev-inv-2"),  # 85 days on 15 April
        PromotionIssue("i1", DEALER, OFFICE, "poster", D(100), date(2026, 3, 5), "ev-issue"),
        PromotionDelivery("d1", DEALER, uid("outlet"), "poster", D(79), date(2026, 3, 20), "ev-deliv"),
        ComplianceFact(uid("rep-1"), OFFICE, date(2026, 3, 9), 20, 15, "ev-c1"),
        ComplianceFact(uid("rep-2"), OFFICE, date(2026, 3, 9), 20, 16, "ev-c2"),
        ProgressBehind("org_unit", uid("east"), uid("east"), uid("plan"), "2026-03", date(2026, 3, 13), D("0.3000"),
                       D("0.4545"), "ev-behind"),
    ]  # fmt: skip


def of(facts, kind):
    return [x for x in facts if isinstance(x, kind)]


def domain_hits(facts) -> set[tuple]:
    """(rule, subject, period, org unit, severity, sources) of every hit the pure rules find."""
    from services.audit.domain.facts import StockLineFact, VisitFact

    d = default_setting
    visits, lines = of(facts, VisitFact), of(facts, StockLineFact)
    hits = [
        *m.price_below_floor(of(facts, PriceObservation), {PRICE.sku: PRICE}, d("price_below_floor")),
        *m.cross_region_goods(of(facts, BatchSighting), of(facts, Shipment), d("cross_region_goods")),
        *m.channel_stuffing(of(facts, OrderFact), of(facts, ReturnFact), d("channel_stuffing")),
        *m.receivable_overdue(of(facts, ReceivableFact), AS_OF, d("receivable_overdue")),
        *m.promotion_withheld(of(facts, PromotionIssue), of(facts, PromotionDelivery), AS_OF, d("promotion_withheld")),
        *vi.checkin_far_from_outlet(visits, d("checkin_far_from_outlet")),
        *vi.visit_too_short(visits, d("visit_too_short")),
        *vi.impossible_travel(visits, d("impossible_travel")),
        *vi.photo_reused(visits, d("photo_reused")),
        *vi.low_authenticity(visits, d("low_authenticity")),
        *st.negative_sold(lines, d("negative_sold")),
        *st.receipt_mismatch(lines, d("receipt_mismatch")),
        *st.stock_days_out_of_band(lines, d("stock_days_out_of_band")),
        *st.near_expiry_stock(lines, d("near_expiry_stock")),
        *tg.low_plan_compliance(of(facts, ComplianceFact), d("low_plan_compliance")),
        *tg.behind_time_progress(of(facts, ProgressBehind), d("behind_time_progress")),
    ]
    return {(h.rule, h.subject, h.period, h.org_unit_id, h.severity.value, tuple(sorted(h.sources))) for h in hits}
