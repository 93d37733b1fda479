"""Credit control (资信管理) and receivables ageing: when an order goes on hold, how old the open invoices are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

AGEING_BUCKETS = ("0-30", "31-60", "61-90", ">90")


@dataclass(frozen=True)
class OpenInvoice:
    invoice_no: str
    invoiced_on: date
    due_on: date
    open_amount: Decimal  # amount − payments − write-offs


@dataclass(frozen=True)
class CreditDecision:
    on_hold: bool
    reasons: tuple[str, ...]
    exposure: Decimal  # open receivables + this order


def credit_check(
    *,
    credit_limit: Decimal | None,
    open_invoices: list[OpenInvoice],
    order_amount: Decimal,
    today: date,
    allowed_overdue_days: int,
) -> CreditDecision:
    """Hold when open receivables plus this order exceed the limit, or an invoice is overdue past the allowance."""
    receivables = sum((i.open_amount for i in open_invoices if i.open_amount > 0), Decimal(0))
    exposure = receivables + order_amount
    reasons = []
    if credit_limit is not None and exposure > credit_limit:
        reasons.append(
            f"open receivables {receivables} + this order {order_amount} = {exposure} exceed the credit limit "
            f"{credit_limit}"
        )
    overdue = [i for i in open_invoices if i.open_amount > 0 and (today - i.due_on).days > allowed_overdue_days]
    for invoice in sorted(overdue, key=lambda i: i.due_on):
        reasons.append(
            f"invoice {invoice.invoice_no} is {(today - invoice.due_on).days} days overdue "
            f"(more than {allowed_overdue_days} allowed), {invoice.open_amount} open"
        )
    return CreditDecision(on_hold=bool(reasons), reasons=tuple(reasons), exposure=exposure)


def ageing_bucket(invoiced_on: date, as_of: date) -> str:
    """Age counted from the invoice date: 0–30, 31–60, 61–90, over 90 days."""
    age = (as_of - invoiced_on).days
    if age <= 30:
        return AGEING_BUCKETS[0]
    if age <= 60:
        return AGEING_BUCKETS[1]
    return AGEING_BUCKETS[2] if age <= 90 else AGEING_BUCKETS[3]


def ageing(open_invoices: list[OpenInvoice], as_of: date) -> dict[str, Decimal]:
    """Open amounts summed per ageing bucket (every bucket present)."""
    buckets = dict.fromkeys(AGEING_BUCKETS, Decimal(0))
    for invoice in open_invoices:
        if invoice.open_amount > 0:
            buckets[ageing_bucket(invoice.invoiced_on, as_of)] += invoice.open_amount
    return buckets
