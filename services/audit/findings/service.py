"""Use cases of a finding: its detail and evidence chain, workflow transitions, assignment, comments."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from services.audit.archive.schemas import ArchivedEvent
from services.audit.archive.tables import event_archive
from services.audit.domain.days import supported
from services.audit.domain.workflow import AUDITOR_ACTIONS, FINISHED, Action, Status, next_status
from services.audit.findings import access
from services.audit.findings.schemas import (
    AssignmentIn,
    CommentIn,
    CommentOut,
    FindingDetail,
    FindingOut,
    TransitionIn,
    TransitionOut,
)
from services.audit.findings.tables import finding_comments, finding_transitions, findings
from services.audit.rules.service import QUERIES, still_fires
from shared.errors import Conflict, InvalidInput
from shared.identity import Principal


def detail(conn: Connection, principal: Principal, finding_id: uuid.UUID) -> FindingDetail:
    """The finding, every transition and comment, and the archived events it rests on, in chain order."""
    row = access.load(conn, principal, finding_id)
    transitions = conn.execute(
        select(finding_transitions)
        .where(finding_transitions.c.finding_id == finding_id)
        .order_by(finding_transitions.c.id)
    )
    comments = conn.execute(
        select(finding_comments).where(finding_comments.c.finding_id == finding_id).order_by(finding_comments.c.id)
    )
    a = event_archive
    events = conn.execute(
        select(*[c for c in a.c if c.name not in ("archived_at", "prev_hash")])
        .where(a.c.event_id.in_(row.sources))
        .order_by(a.c.seq)
    )
    return FindingDetail(
        **FindingOut.model_validate(row).model_dump(),
        transitions=[TransitionOut.model_validate(t) for t in transitions],
        comments=[CommentOut.model_validate(c) for c in comments],
        evidence_chain=[ArchivedEvent.model_validate(e, from_attributes=True) for e in events],
    )


def _record(conn: Connection, finding_id: uuid.UUID, old: Status, new: Status, action: str, actor: str, note):
    conn.execute(
        finding_transitions.insert().values(
            finding_id=finding_id, from_status=old.value, to_status=new.value, action=action, actor=actor, note=note
        )
    )


def transition(
    conn: Connection, principal: Principal, finding_id: uuid.UUID, body: TransitionIn, *, today: date | None = None
) -> FindingDetail:
    """Apply a workflow action; `recheck` re-runs the rule on the data from the rectification date."""
    access.ensure_may_act(principal, auditor_only=body.action in AUDITOR_ACTIONS)
    row = access.load(conn, principal, finding_id, lock=True)
    current = Status(row.status)
    values: dict = {}
    fires = None
    if body.action is Action.rectify:
        if body.rectified_from is None:
            raise InvalidInput("rectify needs the day from which the data should be clean", field="rectified_from")
        values["rectified_from"] = supported(body.rectified_from, "rectified_from")
    if body.action is Action.recheck and current is Status.rectifying:
        if row.rule not in QUERIES:
            raise Conflict("this finding is verified by a passing item in a later spot check", field="action")
        today = today or datetime.now(UTC).date()
        fires = still_fires(conn, row.rule, row.subject, row.rectified_from, as_of=today)
    new = next_status(current, body.action, still_fires=fires)
    if new in FINISHED:
        values["finished_at"] = func.now()
    conn.execute(
        update(findings).where(findings.c.id == finding_id).values(status=new.value, updated_at=func.now(), **values)
    )
    note = (
        body.note
        if fires is None
        else f"{body.note or ''} (re-check: the rule {'still fires' if fires else 'no longer fires'})".strip()
    )
    _record(conn, finding_id, current, new, body.action.value, principal.subject, note)
    return detail(conn, principal, finding_id)


def assign(conn: Connection, principal: Principal, finding_id: uuid.UUID, body: AssignmentIn) -> FindingDetail:
    """Name the finding's owner (and optionally move its deadline)."""
    access.ensure_may_act(principal, auditor_only=False)
    row = access.load(conn, principal, finding_id, lock=True)
    values: dict[str, Any] = {"owner": body.owner, "updated_at": func.now()}
    if body.deadline is not None:
        values["deadline"] = supported(body.deadline, "deadline")
    conn.execute(update(findings).where(findings.c.id == finding_id).values(**values))
    status = Status(row.status)
    _record(conn, finding_id, status, status, "assign", principal.subject, f"owner {body.owner}")
    return detail(conn, principal, finding_id)


def comment(conn: Connection, principal: Principal, finding_id: uuid.UUID, body: CommentIn) -> CommentOut:
    """Add a comment, with an attachment named by its hash and where it is stored."""
    access.load(conn, principal, finding_id)
    attachment = body.attachment
    row = conn.execute(
        finding_comments.insert()
        .values(
            finding_id=finding_id,
            author=principal.subject,
            body=body.body,
            attachment_name=attachment.name if attachment else None,
            attachment_sha256=attachment.sha256 if attachment else None,
            attachment_url=attachment.url if attachment else None,
        )
        .returning(*finding_comments.c)
    ).one()
    return CommentOut.model_validate(row)
