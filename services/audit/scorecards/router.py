"""Risk scorecards: who and where the open findings pile up, and how that moved over the weeks."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from services.audit.domain.days import supported
from services.audit.scorecards import service
from services.audit.scorecards.schemas import Scorecard, ScoredKind
from shared.auth import PrincipalDep
from shared.http.app import ConnDep
from shared.types import IsoDate

router = APIRouter(prefix="/scorecards", tags=["scorecards"])


@router.get(
    "/{kind}",
    response_model=list[Scorecard],
    summary="The riskiest org units, reps or dealers by open findings (severity x age), with weekly trends",
)
def scorecards(
    kind: ScoredKind,
    conn: ConnDep,
    principal: PrincipalDep,
    as_of: Annotated[IsoDate | None, Query(description="Today when omitted", examples=["2026-04-30"])] = None,
    weeks: Annotated[int, Query(ge=1, le=52)] = 8,
):
    day = supported(as_of, "as_of") or datetime.now(UTC).date()
    return service.scorecards(conn, principal, kind=kind, as_of=day, weeks=weeks)
