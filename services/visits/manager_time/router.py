"""Manager time endpoints."""

import uuid
from typing import Literal

from fastapi import APIRouter

from services.visits.manager_time import service
from services.visits.manager_time.schemas import ActivityIn, ActivityOut, ManagerTimeOut
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep
from shared.identity import Role
from shared.types import IsoDate

router = APIRouter(tags=["manager time"])
MANAGERS = [require_role(Role.supervisor, Role.region_manager, Role.director)]


@router.post(
    "/manager-activities",
    status_code=201,
    response_model=ActivityOut,
    summary="Log time spent on administration, personal selling, customer relationships or coaching",
    dependencies=MANAGERS,
)
def log_activity(body: ActivityIn, conn: ConnDep, principal: PrincipalDep):
    return service.record_activity(conn, principal, body)


@router.get(
    "/managers/{manager_id}/time",
    response_model=ManagerTimeOut,
    summary="A manager's time split per week or month against the bands (admin <= 10 %, coaching 30-60 %, ...)",
)
def manager_time(
    manager_id: uuid.UUID,
    conn: ConnDep,
    principal: PrincipalDep,
    start: IsoDate,
    end: IsoDate,
    period: Literal["week", "month"] = "week",
):
    return service.report(conn, principal, manager_id, period=period, start=start, end=end)
