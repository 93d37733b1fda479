"""Whole-visit use cases: check-in through check-out in one transaction, for one call or an offline batch."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from services.visits.photos.tables import visit_photos
from services.visits.policies.service import all_policies
from services.visits.visits.completion import evaluate, outbox
from services.visits.visits.schemas import StepOut, VisitOut, VisitStart, VisitSubmission
from services.visits.visits.service import (
    check_in_values,
    existing_visit,
    fingerprint,
    get_visit,
    outlet_for_visit,
    rep_of,
    start_visit,
)
from services.visits.visits.tables import visit_steps, visits


def submit_visit(conn: Connection, principal, command: VisitSubmission, *, now: datetime) -> VisitOut:
    """Record a completed visit; the same submission again returns the first result and changes nothing."""
    rep_of(principal)
    body_fingerprint = fingerprint(command)
    found = existing_visit(conn, principal, command.id, body_fingerprint)
    if found is not None:
        return found
    outlet = outlet_for_visit(conn, principal, command.outlet_id)
    policy = all_policies(conn)[outlet.grade]
    visit = check_in_values(conn, principal, command, outlet, policy, now=now, body_fingerprint=body_fingerprint)
    steps = [(s.step, s.model_dump(mode="json", exclude={"step"})) for s in command.steps]
    completion, photo_rows, events = evaluate(
        conn, visit, outlet, policy, steps, command.check_out.client_at, now=now, sent_at=command.sent_at
    )
    # Everything is known before the first write: one row, one multi-row insert per child table, the events.
    conn.execute(visits.insert().values({**visit, **completion}))
    if steps:
        conn.execute(
            visit_steps.insert().values(
                [dict(visit_id=command.id, seq=i, step=step, data=data) for i, (step, data) in enumerate(steps, 1)]
            )
        )
    if photo_rows:
        conn.execute(visit_photos.insert().values(photo_rows))
    outbox.add(conn, *events)
    return VisitOut(
        **{**visit, **completion},
        steps=[StepOut(seq=i, step=step, data=data) for i, (step, data) in enumerate(steps, 1)],
    )


def check_in(conn: Connection, principal, command: VisitStart, *, now: datetime) -> VisitOut:
    """Open a visit at an outlet; a retried check-in returns the open visit."""
    body_fingerprint = fingerprint(command)
    found = existing_visit(conn, principal, command.id, body_fingerprint)
    if found is not None:
        return found
    start_visit(conn, principal, command, now=now, body_fingerprint=body_fingerprint)
    return get_visit(conn, principal, command.id)
