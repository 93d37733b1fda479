"""Org tree endpoints."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.targets import db
from services.targets.org import service
from services.targets.org.schemas import (
    OrgUnitCreate,
    OrgUnitMove,
    OrgUnitMoveOut,
    OrgUnitOut,
    OrgUnitPlacementOut,
    OrgUnitRename,
)
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep
from shared.http.calls import Call, Reading, respond, unit_of_work
from shared.http.idempotency import IdempotencyKey
from shared.identity import Role

router = APIRouter(prefix="/org-units", tags=["org units"])
managers = require_role(Role.director, Role.region_manager)
ManagersWriting = Annotated[Call, unit_of_work(write=True, roles=(Role.director, Role.region_manager))]


# The hot routes run on the lean path (`shared.http.calls`): one dependency, no thread hop.
@router.post("", status_code=201, response_model=OrgUnitOut, summary="Add an org unit below a parent")
async def create_org_unit(
    body: OrgUnitCreate, request: Request, call: ManagersWriting, idempotency_key: IdempotencyKey = None
):
    return await call.create_once(
        request, db.idempotency_keys, idempotency_key, body, service.create_org_unit, call.principal, body
    )


@router.get("", response_model=list[OrgUnitOut], summary="Org units in the caller's subtree, in tree order")
async def list_org_units(
    call: Reading,
    under: Annotated[uuid.UUID | None, Query(description="Only this unit and its descendants")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    return respond(await call.run(service.list_org_units, call.principal, under=under, limit=limit, offset=offset))


@router.get("/{org_unit_id}", response_model=OrgUnitOut, summary="One org unit")
async def get_org_unit(org_unit_id: uuid.UUID, call: Reading):
    return respond(await call.run(service.get_org_unit, call.principal, org_unit_id))


@router.patch("/{org_unit_id}", response_model=OrgUnitOut, summary="Rename an org unit", dependencies=[managers])
def rename_org_unit(org_unit_id: uuid.UUID, body: OrgUnitRename, conn: ConnDep, principal: PrincipalDep):
    return service.rename_org_unit(conn, principal, org_unit_id, body)


@router.post(
    "/{org_unit_id}/move",
    response_model=OrgUnitMoveOut,
    dependencies=[managers],
    summary="Move an org unit and its whole subtree below a new parent from an effective date",
)
def move_org_unit(org_unit_id: uuid.UUID, body: OrgUnitMove, conn: ConnDep, principal: PrincipalDep):
    return service.move_org_unit(conn, principal, org_unit_id, body)


@router.get(
    "/{org_unit_id}/history",
    response_model=list[OrgUnitPlacementOut],
    summary="Where an org unit has stood in the tree over time, oldest first",
)
def org_unit_history(org_unit_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.org_unit_history(conn, principal, org_unit_id)
