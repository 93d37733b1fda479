"""Use cases of coaching visits: a manager scores a rep's visit; the time counts as coaching."""

from __future__ import annotations

import math
import uuid

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert

from services.visits.coaching.schemas import CoachingIn, CoachingOut
from services.visits.coaching.tables import coaching_reviews as t
from services.visits.domain.coaching import coaching_score
from services.visits.manager_time.schemas import ActivityIn
from services.visits.manager_time.service import manager_of, record_activity
from services.visits.visits.completion import LOCAL
from services.visits.visits.service import visible
from services.visits.visits.tables import visits
from shared.errors import Conflict, InvalidInput, NotFound
from shared.identity import Principal

COACHING_NAMESPACE = uuid.UUID("6f1d0c84-9a43-4e0b-8c57-54a1f0b6c3d2")


def review_visit(conn: Connection, principal: Principal, visit_id: uuid.UUID, command: CoachingIn) -> CoachingOut:
    """Score a completed visit of the manager's team; its duration is logged as the manager's coaching time."""
    manager = manager_of(principal)
    visit = conn.execute(
        select(visits.c.status, visits.c.duration_minutes, visits.c.check_in_client_at).where(
            visits.c.id == visit_id, visible(principal)
        )
    ).first()
    if visit is None:
        raise NotFound(f"visit {visit_id} not found")
    if visit.status != "completed":
        raise Conflict("only a checked-out visit can be reviewed", field="visit_id")
    try:
        pct = coaching_score(command.scores)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="scores") from exc
    review_id = uuid.uuid5(COACHING_NAMESPACE, f"{visit_id}:{manager}")
    inserted = conn.execute(
        insert(t)
        .values(
            id=review_id,
            visit_id=visit_id,
            manager_id=manager,
            scores=command.scores,
            score_pct=pct,
            comment=command.comment,
        )
        .on_conflict_do_nothing()
        .returning(t.c.id)
    ).first()
    row = conn.execute(select(t).where(t.c.visit_id == visit_id)).one()
    if inserted is None and (row.id != review_id or row.scores != command.scores or row.comment != command.comment):
        raise Conflict(f"visit {visit_id} was already reviewed", field="visit_id")
    minutes = max(1, math.ceil(visit.duration_minutes or 0))
    record_activity(
        conn,
        principal,
        ActivityIn(
            id=review_id,
            category="coaching",
            minutes=minutes,
            on_date=visit.check_in_client_at.astimezone(LOCAL).date(),
            note=f"coaching visit {visit_id}",
        ),
        source="coaching",
    )
    return CoachingOut(**row._asdict(), coaching_minutes=minutes)
