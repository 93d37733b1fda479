"""Coverage metrics endpoint."""

import uuid

from fastapi import APIRouter

from services.visits.coverage import service
from services.visits.coverage.schemas import CoverageOut
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep
from shared.identity import Role
from shared.types import IsoDate

router = APIRouter(tags=["coverage"])


@router.get(
    "/coverage",
    response_model=CoverageOut,
    summary="Plan compliance, coverage, time in store and strike rate per rep under an org unit, and rolled up",
    dependencies=[require_role(Role.supervisor, Role.region_manager, Role.director, Role.auditor)],
)
def coverage(org_unit_id: uuid.UUID, start: IsoDate, end: IsoDate, conn: ConnDep, principal: PrincipalDep):
    return service.coverage(conn, principal, org_unit_id, start, end)
