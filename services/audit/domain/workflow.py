"""A finding's life: open -> acknowledged -> rectifying -> verified -> closed, or disputed -> upheld / dismissed.

"verified" is earned, not clicked: the `recheck` action re-runs the rule on the data after the rectification date;
the finding is verified only if the rule no longer fires, and a re-check that fires again reopens it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from services.audit.domain.settings import Severity
from shared.errors import Conflict, InvalidInput


class Status(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    rectifying = "rectifying"
    verified = "verified"
    closed = "closed"
    disputed = "disputed"
    upheld = "upheld"
    dismissed = "dismissed"
    withdrawn = "withdrawn"  # the rule stopped firing on newer facts (a late payment, a late shipment)


class Action(StrEnum):
    acknowledge = "acknowledge"
    rectify = "rectify"  # the owner says what was done and from which day the data should be clean
    recheck = "recheck"  # the rule is re-run: verified, or reopened
    close = "close"
    dispute = "dispute"
    uphold = "uphold"
    dismiss = "dismiss"


S, A = Status, Action
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (S.open, A.acknowledge): S.acknowledged,
    (S.open, A.dispute): S.disputed,
    (S.acknowledged, A.rectify): S.rectifying,
    (S.acknowledged, A.dispute): S.disputed,
    (S.upheld, A.rectify): S.rectifying,
    (S.disputed, A.uphold): S.upheld,
    (S.disputed, A.dismiss): S.dismissed,
    (S.verified, A.close): S.closed,
}
# Decided by the audit team, not by the audited manager.
AUDITOR_ACTIONS = frozenset({A.recheck, A.close, A.uphold, A.dismiss})
FINISHED = frozenset({S.closed, S.dismissed, S.withdrawn})
# Findings a re-evaluation may withdraw: not yet rectified, verified or decided.
WITHDRAWABLE = frozenset({S.open, S.acknowledged})
# Days to rectify by severity; past the deadline an unfinished finding breaches its SLA.
DEADLINE_DAYS = {Severity.critical: 3, Severity.high: 7, Severity.medium: 14, Severity.low: 30}


def next_status(current: Status, action: Action, *, still_fires: bool | None = None) -> Status:
    """The status after `action`, or a 409 naming the action when it is not allowed from `current`."""
    if action is A.recheck:
        if current is not S.rectifying:
            raise Conflict(f"cannot recheck a finding that is {current.value}", field="action")
        if still_fires is None:
            raise InvalidInput("a recheck needs the rule's outcome", field="action")
        return S.open if still_fires else S.verified
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise Conflict(f"cannot {action.value} a finding that is {current.value}", field="action") from None


def status_after_refire(current: Status) -> Status:
    """A rule firing again on a finding: a verified or withdrawn one reopens; every other status stays."""
    return S.open if current in (S.verified, S.withdrawn) else current


def deadline_for(severity: Severity, opened: date) -> date:
    return opened + timedelta(days=DEADLINE_DAYS[severity])


def breaches_sla(status: Status, deadline: date, now: datetime) -> bool:
    """Past its deadline and neither verified, closed nor dismissed."""
    return status not in FINISHED | {S.verified} and now.date() > deadline
