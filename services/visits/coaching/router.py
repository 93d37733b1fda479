"""Coaching visit endpoints."""

import uuid

from fastapi import APIRouter

from services.visits.coaching import service
from services.visits.coaching.schemas import CoachingIn, CoachingOut
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep
from shared.identity import Role

router = APIRouter(tags=["coaching"])


@router.post(
    "/visits/{visit_id}/coaching",
    status_code=201,
    response_model=CoachingOut,
    summary="A manager who joined the visit scores it against the coaching checklist (logged as coaching time)",
    dependencies=[require_role(Role.supervisor, Role.region_manager, Role.director)],
)
def review_visit(visit_id: uuid.UUID, body: CoachingIn, conn: ConnDep, principal: PrincipalDep):
    return service.review_visit(conn, principal, visit_id, body)
