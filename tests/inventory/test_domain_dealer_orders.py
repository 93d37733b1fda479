"""Dealer order lifecycle, credit check, FEFO allocation and receivables ageing, with no database."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.inventory.domain.allocation import Allocation, StockBatch, allocate_fefo
from services.inventory.domain.credit import OpenInvoice, ageing, ageing_bucket, credit_check
from services.inventory.domain.dealer_orders import TRANSITIONS, OrderStatus, next_status
from shared.errors import Conflict

S = OrderStatus


@pytest.mark.parametrize(
    ("current", "action", "options", "expected"),
    [
        (S.draft, "submit", {}, S.submitted),
        (S.draft, "submit", {"on_hold": True}, S.credit_hold),
        (S.draft, "cancel", {}, S.cancelled),
        (S.submitted, "approve", {}, S.approved),
        (S.submitted, "reject", {}, S.rejected),
        (S.submitted, "cancel", {}, S.cancelled),
        (S.credit_hold, "approve", {}, S.approved),
        (S.credit_hold, "reject", {}, S.rejected),
        (S.credit_hold, "cancel", {}, S.cancelled),
        (S.approved, "ship", {}, S.partially_shipped),
        (S.approved, "ship", {"fully_shipped": True}, S.shipped),
        (S.approved, "cancel", {}, S.cancelled),
        (S.partially_shipped, "ship", {}, S.partially_shipped),
        (S.partially_shipped, "ship", {"fully_shipped": True}, S.shipped),
        (S.shipped, "deliver", {}, S.delivered),
        (S.delivered, "close", {}, S.closed),
    ],
)
def test_every_allowed_transition(current, action, options, expected):
    assert next_status(current, action, **options) is expected


def test_every_other_transition_is_a_conflict_naming_what_is_allowed():
    allowed = {(s, a) for a, moves in TRANSITIONS.items() for s in moves}
    for status in OrderStatus:
        for action in TRANSITIONS:
            if (status, action) not in allowed:
                with pytest.raises(Conflict) as caught:
                    next_status(status, action)
                assert caught.value.field == "status"
    with pytest.raises(Conflict, match="allowed: deliver"):
        next_status(S.shipped, "cancel")
    with pytest.raises(Conflict, match="allowed: nothing"):
        next_status(S.closed, "ship")


TODAY = date(2026, 3, 31)


def invoice(no, invoiced_on, due_on, amount):
    return OpenInvoice(no, invoiced_on, due_on, D(amount))


def test_credit_limit_counts_open_receivables_plus_this_order():
    invoices = [invoice("I1", date(2026, 3, 1), date(2026, 3, 31), "6000.00"), invoice("I2", TODAY, TODAY, "0")]
    # 6000 + 4000 = 10000: at the limit is allowed; 6000 + 4000.01 is past it
    at_limit = credit_check(
        credit_limit=D(10000), open_invoices=invoices, order_amount=D(4000), today=TODAY, allowed_overdue_days=30
    )
    assert (at_limit.on_hold, at_limit.exposure) == (False, D("10000.00"))
    past = credit_check(
        credit_limit=D(10000), open_invoices=invoices, order_amount=D("4000.01"), today=TODAY, allowed_overdue_days=30
    )
    assert past.on_hold
    assert past.reasons == ("open receivables 6000.00 + this order 4000.01 = 10000.01 exceed the credit limit 10000",)


def test_an_invoice_overdue_past_the_allowance_holds_even_a_small_order():
    invoices = [invoice("I9", date(2026, 1, 1), date(2026, 2, 20), "10.00")]
    # due 2026-02-20, today 2026-03-31: 8 + 31 = 39 days overdue > 30
    decision = credit_check(
        credit_limit=None, open_invoices=invoices, order_amount=D(1), today=TODAY, allowed_overdue_days=30
    )
    assert decision.reasons == ("invoice I9 is 39 days overdue (more than 30 allowed), 10.00 open",)
    assert not credit_check(
        credit_limit=None, open_invoices=invoices, order_amount=D(1), today=TODAY, allowed_overdue_days=39
    ).on_hold


def test_ageing_buckets_from_the_invoice_date():
    # ages at 2026-03-31: 30 (0-30), 31 (31-60), 60 (31-60), 61 (61-90), 90 (61-90), 91 (>90)
    assert [ageing_bucket(date(2026, 3, 1), TODAY), ageing_bucket(date(2026, 2, 28), TODAY)] == ["0-30", "31-60"]
    assert ageing_bucket(date(2026, 1, 30), TODAY) == "31-60"
    assert ageing_bucket(date(2026, 1, 29), TODAY) == "61-90"
    assert ageing_bucket(date(2025, 12, 31), TODAY) == "61-90"
    assert ageing_bucket(date(2025, 12, 30), TODAY) == ">90"
    invoices = [
        invoice("A", date(2026, 3, 20), TODAY, "100.00"),
        invoice("B", date(2026, 3, 2), TODAY, "50.50"),
        invoice("C", date(2025, 11, 1), TODAY, "300.00"),
        invoice("D", date(2025, 11, 1), TODAY, "0"),  # paid: not in any bucket
    ]
    assert ageing(invoices, TODAY) == {"0-30": D("150.50"), "31-60": 0, "61-90": 0, ">90": D("300.00")}


def test_fefo_takes_the_first_expiring_batch_first():
    batches = [
        StockBatch("LATE", date(2026, 9, 1), 100),
        StockBatch("SOON", date(2026, 5, 1), 30),
        StockBatch("MID", date(2026, 7, 1), 50),
    ]
    # 70 = all 30 of SOON + 40 of MID; LATE untouched
    assert allocate_fefo(batches, 70) == ([Allocation("SOON", 30), Allocation("MID", 40)], 0)
    # 200 > 180 in stock: everything, 20 short
    allocations, short = allocate_fefo(batches, 200)
    assert sum(a.quantity for a in allocations) == 180 and short == 20


@given(
    st.lists(st.tuples(st.dates(), st.integers(0, 500)), max_size=8),
    st.integers(0, 3000),
)
def test_fefo_never_allocates_more_than_stock_or_asked_and_never_skips_an_earlier_batch(raw, quantity):
    batches = [StockBatch(f"B{i}", d, q) for i, (d, q) in enumerate(raw)]
    allocations, short = allocate_fefo(batches, quantity)
    by_code = {b.code: b for b in batches}
    assert all(0 < a.quantity <= by_code[a.code].available for a in allocations)
    assert sum(a.quantity for a in allocations) + short == quantity
    assert short == max(0, quantity - sum(b.available for b in batches))
    used = {a.code for a in allocations}
    last_used = max((by_code[c].expires_on for c in used), default=None)
    # every batch expiring strictly before the last one used is used up entirely
    for b in batches:
        if last_used and b.expires_on < last_used and b.available:
            assert any(a.code == b.code and a.quantity == b.available for a in allocations)
