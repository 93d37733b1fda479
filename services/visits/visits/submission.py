"""Whole-visit use cases: check-in through check-out in one transaction, for one call or an offline batch."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection

from services.visits.policies.schemas import PolicyOut
from services.visits.policies.service import default_policy
from services.visits.visits.completion import evaluate, outbox, photo_hashes, prior_from
from services.visits.visits.schemas import StepOut, VisitOut, VisitStart, VisitSubmission
from services.visits.visits.service import check_in_values, existing_visit, fingerprint, get_visit, rep_of, start_visit
from services.visits.visits.statements import prior_params, submit_read, write_visit
from shared.errors import Conflict, NotFound


class OutletFacts(NamedTuple):
    org_unit_id: Any
    grade: str
    channel: str
    opening_hours: Any
    dealer_id: Any
    latitude: float | None
    longitude: float | None


def submit_visit(conn: Connection, principal, command: VisitSubmission, *, now: datetime) -> VisitOut:
    """Record a completed visit in one read and one write; the same submission again returns the first result."""
    rep = rep_of(principal)
    body_fingerprint = fingerprint(command)
    steps = [(s.step, s.model_dump(mode="json", exclude={"step"})) for s in command.steps]
    hashes = photo_hashes(steps)
    params = prior_params(command.id, rep, command.check_in.client_at.astimezone(UTC), hashes, now)
    params.update(outlet=command.outlet_id, entry=command.schedule_entry_id, scope=principal.org_unit_id)
    row = conn.exec_driver_sql(submit_read(principal, hashes), params).one()
    if row.used_by is not None:  # the id is taken: a retry of this very submission, or a clash
        if row.used_by != rep or row.used_fingerprint != body_fingerprint:
            raise Conflict(f"visit id {command.id} is already used by another request", field="id")
        return get_visit(conn, principal, command.id)
    if row.outlet_id is None:
        raise NotFound(f"outlet {command.outlet_id} not found", field="outlet_id")
    if command.schedule_entry_id is not None and row.entry_id is None:
        raise NotFound(f"schedule entry {command.schedule_entry_id} not found", field="schedule_entry_id")
    outlet = OutletFacts(
        row.org_unit_id, row.grade, row.channel, row.opening_hours, row.dealer_id, row.outlet_lat, row.outlet_lon
    )
    policy = (
        default_policy(row.grade)
        if row.interval_weeks is None
        else PolicyOut(
            grade=row.grade,
            interval_weeks=row.interval_weeks,
            minimum_minutes=row.minimum_minutes,
            radius_m=row.radius_m,
            required_steps=row.required_steps,
        )
    )
    visit = check_in_values(principal, command, outlet, policy, now=now, body_fingerprint=body_fingerprint)
    completion, photo_rows, events = evaluate(
        visit, outlet, policy, steps, command.check_out.client_at, prior_from(row), now=now, sent_at=command.sent_at
    )
    _, outbox_rows = outbox.rows(*events)
    recorded = {**visit, **completion}
    if not write_visit(conn, recorded, [{"step": s, "data": d} for s, d in steps], photo_rows, outbox_rows):
        # The same id committed by a concurrent request meanwhile: answered like any retry.
        found = existing_visit(conn, principal, command.id, body_fingerprint)
        assert found is not None, "the insert met a conflict on this id, so the row exists"
        return found
    return VisitOut(**recorded, steps=[StepOut(seq=i, step=step, data=data) for i, (step, data) in enumerate(steps, 1)])


def check_in(conn: Connection, principal, command: VisitStart, *, now: datetime) -> VisitOut:
    """Open a visit at an outlet; a retried check-in returns the open visit."""
    body_fingerprint = fingerprint(command)
    found = existing_visit(conn, principal, command.id, body_fingerprint)
    if found is not None:
        return found
    start_visit(conn, principal, command, now=now, body_fingerprint=body_fingerprint)
    return get_visit(conn, principal, command.id)
