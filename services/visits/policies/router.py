"""Visit policy endpoints."""

from typing import Literal

from fastapi import APIRouter, Depends

from services.visits.policies import service
from services.visits.policies.schemas import PolicyIn, PolicyOut
from shared.auth import current_principal, require_role
from shared.http.app import ConnDep
from shared.identity import Role

router = APIRouter(prefix="/visit-policies", tags=["visit policies"], dependencies=[Depends(current_principal)])


@router.get("", response_model=list[PolicyOut], summary="The visit policy of every outlet grade")
def list_policies(conn: ConnDep):
    return list(service.all_policies(conn).values())


@router.put(
    "/{grade}",
    response_model=PolicyOut,
    summary="Set how often, how long and with which steps outlets of a grade are visited",
    dependencies=[require_role(Role.region_manager, Role.director)],
)
def set_policy(grade: Literal["A", "B", "C", "D"], body: PolicyIn, conn: ConnDep):
    return service.set_policy(conn, grade, body)
