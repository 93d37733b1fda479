"""Whole-visit use cases: check-in through check-out in one transaction, for one call or an offline batch."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from services.visits.visits.completion import complete_visit
from services.visits.visits.schemas import VisitOut, VisitStart, VisitSubmission
from services.visits.visits.service import add_steps, existing_visit, fingerprint, get_visit, start_visit


def submit_visit(conn: Connection, principal, command: VisitSubmission, *, now: datetime) -> VisitOut:
    """Record a completed visit; the same submission again returns the first result and changes nothing."""
    body_fingerprint = fingerprint(command)
    found = existing_visit(conn, principal, command.id, body_fingerprint)
    if found is not None:
        return found
    start_visit(conn, principal, command, now=now, body_fingerprint=body_fingerprint)
    add_steps(conn, command.id, command.steps)
    return complete_visit(conn, principal, command.id, command.check_out, now=now, sent_at=command.sent_at)


def check_in(conn: Connection, principal, command: VisitStart, *, now: datetime) -> VisitOut:
    """Open a visit at an outlet; a retried check-in returns the open visit."""
    body_fingerprint = fingerprint(command)
    found = existing_visit(conn, principal, command.id, body_fingerprint)
    if found is not None:
        return found
    start_visit(conn, principal, command, now=now, body_fingerprint=body_fingerprint)
    return get_visit(conn, principal, command.id)
