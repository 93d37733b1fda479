"""The event archive, for audit teams."""

from typing import Annotated

from fastapi import APIRouter, Query

from services.audit.archive import service
from services.audit.archive.schemas import ArchivedEvent
from shared.auth import require_role
from shared.http.app import ConnDep
from shared.identity import Role

router = APIRouter(prefix="/events", tags=["event archive"])


@router.get(
    "",
    response_model=list[ArchivedEvent],
    summary="Archived events, oldest first",
    dependencies=[require_role(Role.auditor)],
)
def list_events(
    conn: ConnDep,
    type: Annotated[str | None, Query(max_length=200, examples=["inventory.order.recorded"])] = None,
    subject: Annotated[str | None, Query(max_length=200, description="Aggregate id")] = None,
    correlation_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    return service.list_events(
        conn, type_=type, subject=subject, correlation_id=correlation_id, limit=limit, offset=offset
    )
