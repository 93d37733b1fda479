"""Offline sync: how an operation recorded on a phone meets the server's current state.

The rule: what the rep saw and did in the outlet is a fact and is always kept; what the office planned, and
its outlet book, is the office's record and the server's copy wins. So a visit recorded against a schedule entry
the supervisor changed meanwhile is kept, detached from the changed entry and reported as a conflict; a rep's own
change to a plan entry or to an outlet's contacts made on a stale copy (its version behind the server's) is
refused and reported, and the phone refreshes before sending it again. Registering an outlet and recording an
order request create something new: there is nothing on the server for them to conflict with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["applied", "applied_unplanned", "rejected"]
FACT_KINDS = frozenset({"submit_visit", "log_activity", "register_outlet", "record_order_request"})
# The office's record, by what the phone's copy is a version of.
SERVER_WINS = {"move_planned_visit": "schedule entry", "update_outlet_contacts": "outlet"}


@dataclass(frozen=True)
class Resolution:
    outcome: Outcome
    conflict: str | None = None


def resolve(kind: str, client_version: int | None, server_version: int | None) -> Resolution:
    """Compare the plan version the client based the operation on with the server's current one."""
    stale = client_version is not None and server_version is not None and client_version != server_version
    gone = client_version is not None and server_version is None
    if kind in FACT_KINDS:
        if gone or stale:
            return Resolution("applied_unplanned", "schedule entry changed on the server; visit kept as unplanned")
        return Resolution("applied")
    if kind in SERVER_WINS:
        what = SERVER_WINS[kind]
        if gone:
            return Resolution("rejected", f"{what} no longer exists")
        if stale:
            return Resolution("rejected", f"{what} is at version {server_version}, client had {client_version}")
        return Resolution("applied")
    raise ValueError(f"unknown operation kind {kind!r}")
