"""Offline sync: how an operation recorded on a phone meets the server's current state.

The rule: what the rep saw and did in the outlet is a fact and is always kept; what the office planned is
the plan and the server's copy wins. So a visit recorded against a schedule entry the supervisor changed
meanwhile is kept, detached from the changed entry and reported as a conflict; a rep's own change to a plan
entry made on a stale copy (its version behind the server's) is refused and reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["applied", "applied_unplanned", "rejected"]
FACT_KINDS = frozenset({"submit_visit", "log_activity"})
PLAN_KINDS = frozenset({"move_planned_visit"})


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
    if kind in PLAN_KINDS:
        if gone:
            return Resolution("rejected", "schedule entry no longer exists")
        if stale:
            return Resolution("rejected", f"schedule entry is at version {server_version}, client had {client_version}")
        return Resolution("applied")
    raise ValueError(f"unknown operation kind {kind!r}")
