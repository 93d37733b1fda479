"""FEFO over single-unit batches, and credit control with paid-off and small open invoices."""

from datetime import date
from decimal import Decimal as D

from services.inventory.domain.allocation import Allocation, StockBatch, allocate_fefo
from services.inventory.domain.credit import OpenInvoice, ageing, credit_check


def test_single_units_are_taken_batch_by_batch_to_the_last_one():
    batches = [StockBatch("B", date(2026, 6, 1), 1), StockBatch("A", date(2026, 5, 1), 1)]
    assert allocate_fefo(batches, 2) == ([Allocation("A", 1), Allocation("B", 1)], 0)
    assert allocate_fefo(batches, 3) == ([Allocation("A", 1), Allocation("B", 1)], 1)


TODAY = date(2026, 6, 30)


def invoice(no: str, amount: str, due_on: date = date(2026, 3, 1)) -> OpenInvoice:
    return OpenInvoice(no, date(2026, 2, 1), due_on, D(amount))


def check(invoices, limit: str | None = "1000", order: str = "100"):
    return credit_check(
        credit_limit=None if limit is None else D(limit),
        open_invoices=invoices,
        order_amount=D(order),
        today=TODAY,
        allowed_overdue_days=30,
    )


def test_a_paid_off_old_invoice_holds_nothing():
    # due 1 March, 121 days ago, but nothing is open on it
    decision = check([invoice("INV-1", "0")])
    assert (decision.on_hold, decision.exposure) == (False, D("100"))


def test_fifty_cents_overdue_is_still_overdue_and_counts_in_the_exposure():
    decision = check([invoice("INV-1", "0.50")], limit=None)
    assert decision.on_hold
    assert decision.exposure == D("100.50")
    assert decision.reasons == ("invoice INV-1 is 121 days overdue (more than 30 allowed), 0.50 open",)


def test_small_open_amounts_are_aged():
    # invoiced 1 February, 149 days before 30 June: over 90
    assert ageing([invoice("INV-1", "0.50"), invoice("INV-2", "0")], TODAY) == {
        "0-30": D(0),
        "31-60": D(0),
        "61-90": D(0),
        ">90": D("0.50"),
    }
