"""The event archive, for audit teams: read it, verify its hash chain, publish a day's digest."""

from typing import Annotated

from fastapi import APIRouter, Body, Query

from services.audit.archive import service
from services.audit.archive.schemas import ArchivedEvent, ChainVerification, DigestOut
from services.audit.domain.days import supported
from shared.auth import require_role
from shared.http.app import ConnDep
from shared.identity import Role
from shared.types import IsoDate

router = APIRouter(prefix="/events", tags=["event archive"])


@router.get(
    "",
    response_model=list[ArchivedEvent],
    summary="Archived events in chain order",
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


@router.get(
    "/chain/verification",
    response_model=ChainVerification,
    summary="Recompute the hash chain and report the first broken link and any mismatched digest",
    dependencies=[require_role(Role.auditor)],
)
def verify_chain(conn: ConnDep):
    return service.verify_chain(conn)


@router.post(
    "/chain/digests",
    response_model=DigestOut,
    summary="Record and publish the chain's head at the end of a day (run daily; a repeat returns the first)",
    dependencies=[require_role(Role.auditor)],
)
def digest_day(conn: ConnDep, day: Annotated[IsoDate, Body(embed=True, examples=["2026-03-14"])]):
    return service.digest_day(conn, supported(day, "day"))
