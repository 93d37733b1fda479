"""Dealer order lifecycle: draft → submitted (or credit hold) → approved → shipped, in part or whole → delivered →
closed; rejected or cancelled on the way."""

from __future__ import annotations

from enum import StrEnum

from shared.errors import Conflict


class OrderStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    credit_hold = "credit_hold"  # submitted, but past the credit limit or with overdue invoices
    approved = "approved"
    partially_shipped = "partially_shipped"
    shipped = "shipped"
    delivered = "delivered"
    closed = "closed"
    rejected = "rejected"
    cancelled = "cancelled"


S = OrderStatus
# action -> {from status: to status}; submit and ship pick among several targets, see next_status
TRANSITIONS: dict[str, dict[OrderStatus, tuple[OrderStatus, ...]]] = {
    "submit": {S.draft: (S.submitted, S.credit_hold)},
    "approve": {S.submitted: (S.approved,), S.credit_hold: (S.approved,)},
    "reject": {S.submitted: (S.rejected,), S.credit_hold: (S.rejected,)},
    "ship": {S.approved: (S.partially_shipped, S.shipped), S.partially_shipped: (S.partially_shipped, S.shipped)},
    "deliver": {S.shipped: (S.delivered,)},
    "close": {S.delivered: (S.closed,)},
    "cancel": {
        S.draft: (S.cancelled,),
        S.submitted: (S.cancelled,),
        S.credit_hold: (S.cancelled,),
        S.approved: (S.cancelled,),
    },
}
# goods still to come for the dealer: counted against "open orders" by the suggested order
OPEN_STATUSES = frozenset({S.submitted, S.credit_hold, S.approved, S.partially_shipped})


def next_status(
    current: OrderStatus, action: str, *, on_hold: bool = False, fully_shipped: bool = False
) -> OrderStatus:
    """The status after `action`, or 409 naming what is allowed from here."""
    targets = TRANSITIONS.get(action, {}).get(current)
    if targets is None:
        allowed = sorted(a for a, moves in TRANSITIONS.items() if current in moves)
        raise Conflict(
            f"cannot {action} an order that is {current.value}; allowed: {', '.join(allowed) or 'nothing'}",
            field="status",
        )
    if action == "submit":
        return S.credit_hold if on_hold else S.submitted
    if action == "ship":
        return S.shipped if fully_shipped else S.partially_shipped
    return targets[0]
