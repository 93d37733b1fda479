"""Offline sync endpoint."""

from fastapi import APIRouter

from services.visits.sync import service
from services.visits.sync.schemas import SyncIn, SyncOut
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep
from shared.identity import Role

router = APIRouter(tags=["offline sync"])


@router.post(
    "/sync",
    response_model=SyncOut,
    summary="Apply a phone's offline operations once each, in order; a result per item (server plan wins conflicts)",
    dependencies=[require_role(Role.rep)],
)
def sync(body: SyncIn, conn: ConnDep, principal: PrincipalDep):
    return service.sync(conn, principal, body)
