"""audit.fact_order_days follows every write to audit.fact_orders (its triggers), and channel_stuffing read from it
finds what the pure rule finds when orders are replaced by later versions, moved to another day, or deleted."""

from datetime import date
from decimal import Decimal as D

from sqlalchemy import text

from services.audit.domain import rules_market as m
from services.audit.domain.facts import OrderFact, ReturnFact
from services.audit.domain.hits import default_setting
from services.audit.facts.service import store
from services.audit.facts.tables import fact_orders
from services.audit.rules.service import run_batch
from tests.audit.facts_factory import uid
from tests.audit.scenario import AS_OF, DEALER, OFFICE
from tests.audit.test_rules_streaming_batch import clean, stored_findings

OTHER_OFFICE = uid("other-office")


def days(conn) -> dict[date, tuple[D, int]]:
    rows = conn.execute(
        text("SELECT day, amount, orders FROM audit.fact_order_days WHERE dealer_id = :d"), {"d": DEALER}
    )
    return {r.day: (r.amount, r.orders) for r in rows}


def test_the_day_sums_follow_inserts_new_versions_moves_and_deletes(audit_conn):
    clean(audit_conn)
    store(audit_conn, [
        OrderFact("o1", DEALER, OFFICE, date(2026, 3, 3), D("500"), "ev-o1"),
        OrderFact("o2", DEALER, OFFICE, date(2026, 3, 28), D("600"), "ev-o2"),
        OrderFact("o3", DEALER, OFFICE, date(2026, 3, 28), D("50.5"), "ev-o3"),
    ])  # fmt: skip
    assert days(audit_conn) == {date(2026, 3, 3): (D("500"), 1), date(2026, 3, 28): (D("650.5"), 2)}
    # o2's next version: 900 on the 29th (one upsert statement: an insert and an update at once)
    store(audit_conn, [
        OrderFact("o2", DEALER, OFFICE, date(2026, 3, 29), D("900"), "ev-o2b"),
        OrderFact("o4", DEALER, OFFICE, date(2026, 3, 3), D("1"), "ev-o4"),
    ])  # fmt: skip
    assert days(audit_conn) == {
        date(2026, 3, 3): (D("501"), 2), date(2026, 3, 28): (D("50.5"), 1), date(2026, 3, 29): (D("900"), 1),
    }  # fmt: skip
    audit_conn.execute(fact_orders.delete().where(fact_orders.c.order_id.in_(["o1", "o3"])))
    assert days(audit_conn) == {
        date(2026, 3, 3): (D("1"), 1), date(2026, 3, 28): (D("0"), 0), date(2026, 3, 29): (D("900"), 1),
    }  # fmt: skip


def test_channel_stuffing_on_replaced_orders_names_the_unit_of_the_latest_order_as_the_pure_rule_does(audit_conn):
    # March: 400 early, then on the 30th "B-1" (office) and "a-1" (the other office): "a-1" is the later order
    # by code ("a" > "B" in C order), so the finding is the other office's. 650 of 1,050 in the last 5 days
    # (61.9 % > 40 %), 200 returned on 5 April (30.8 % >= 20 %).
    orders = [
        OrderFact("early", DEALER, OFFICE, date(2026, 3, 2), D("400"), "ev-early"),
        OrderFact("B-1", DEALER, OFFICE, date(2026, 3, 30), D("300"), "ev-b1"),
        OrderFact("a-1", DEALER, OTHER_OFFICE, date(2026, 3, 30), D("350"), "ev-a1"),
    ]
    returns = [ReturnFact("back", DEALER, OFFICE, date(2026, 4, 5), D("200"), "ev-back")]
    # a first version of "a-1" in mid-March, replaced by the one above
    first = OrderFact("a-1", DEALER, OTHER_OFFICE, date(2026, 3, 15), D("10"), "ev-a1-v1")
    clean(audit_conn)
    store(audit_conn, [first])
    for order in orders:
        store(audit_conn, [order])
    store(audit_conn, returns)
    run_batch(audit_conn, date(2026, 3, 1), date(2026, 4, 30), as_of=AS_OF, rules=["channel_stuffing"])
    hits = m.channel_stuffing(orders, returns, default_setting("channel_stuffing"))
    expected = {(h.rule, h.subject, h.period, h.org_unit_id, h.severity.value, tuple(sorted(h.sources))) for h in hits}
    assert {h.org_unit_id for h in hits} == {OTHER_OFFICE}
    assert stored_findings(audit_conn) == expected
    evidence = audit_conn.scalar(text("SELECT evidence FROM audit.findings WHERE rule = 'channel_stuffing'"))
    assert evidence == {"month_total": "1050.0000", "month_end_orders": "650.0000", "returned_next_month": "200.0000"}
