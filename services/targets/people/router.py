"""Endpoints for people: roles, assignments to org units over time, and who was where on a date."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.targets import db
from services.targets.people import service
from services.targets.people.schemas import (
    AssignmentCreate,
    MemberOut,
    PersonCreate,
    PersonHistoryOut,
    PersonOut,
    PlacementOut,
)
from shared.auth import PrincipalDep, require_role
from shared.events.targets import PersonRole
from shared.http.app import ConnDep, idempotent_create
from shared.http.idempotency import IdempotencyKey
from shared.identity import Role
from shared.types import IsoDate

router = APIRouter(tags=["people"])
managers = require_role(Role.director, Role.region_manager)
readers_of_teams = require_role(Role.director, Role.region_manager, Role.supervisor, Role.auditor)

OnDate = Annotated[
    IsoDate | None, Query(description="The day asked about; today when omitted.", examples=["2026-03-14"])
]
RoleFilter = Annotated[PersonRole | None, Query(description="Only people with this role")]
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.post(
    "/people",
    status_code=201,
    response_model=PersonOut,
    dependencies=[managers],
    summary="Add a person with a role in an org unit of the caller's subtree",
)
def create_person(
    body: PersonCreate, request: Request, conn: ConnDep, principal: PrincipalDep, idempotency_key: IdempotencyKey = None
):
    return idempotent_create(
        conn,
        request,
        db.idempotency_keys,
        principal,
        idempotency_key,
        body,
        lambda: service.create_person(conn, principal, body),
    )


@router.get(
    "/people",
    response_model=list[PersonOut],
    summary="People assigned in the caller's subtree on a date (a rep: only themselves)",
)
def list_people(
    conn: ConnDep,
    principal: PrincipalDep,
    under: Annotated[uuid.UUID | None, Query(description="Only people in this unit or below it")] = None,
    on: OnDate = None,
    role: RoleFilter = None,
    limit: Limit = 200,
    offset: Offset = 0,
):
    return service.list_people(conn, principal, under=under, on=on, role=role, limit=limit, offset=offset)


@router.get("/people/{person_id}", response_model=PersonOut, summary="One person and their assignment on a date")
def get_person(person_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep, on: OnDate = None):
    return service.get_person(conn, principal, person_id, on=on)


@router.get(
    "/people/{person_id}/assignments",
    response_model=PersonHistoryOut,
    summary="A person's whole assignment history, oldest first",
)
def person_history(person_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.person_history(conn, principal, person_id)


@router.post(
    "/people/{person_id}/assignments",
    status_code=201,
    response_model=PersonHistoryOut,
    dependencies=[managers],
    summary="Assign a person to an org unit from a date (closes or splits what it overlaps)",
)
def assign_person(
    person_id: uuid.UUID,
    body: AssignmentCreate,
    request: Request,
    conn: ConnDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey = None,
):
    return idempotent_create(
        conn,
        request,
        db.idempotency_keys,
        principal,
        idempotency_key,
        body,
        lambda: service.assign_person(conn, principal, person_id, body),
    )


@router.get(
    "/people/{person_id}/placement",
    response_model=PlacementOut,
    summary="Where a person was on a date, and where that unit stood in the tree then",
)
def placement(
    person_id: uuid.UUID,
    conn: ConnDep,
    principal: PrincipalDep,
    on: Annotated[IsoDate, Query(description="The day asked about", examples=["2026-03-14"])],
):
    return service.placement(conn, principal, person_id, on)


@router.get(
    "/org-units/{org_unit_id}/people",
    response_model=list[MemberOut],
    dependencies=[readers_of_teams],
    summary="Who was in an org unit on a date (and below it, as the tree stood that day)",
)
def members(
    org_unit_id: uuid.UUID,
    conn: ConnDep,
    principal: PrincipalDep,
    on: Annotated[IsoDate, Query(description="The day asked about", examples=["2026-03-14"])],
    subtree: Annotated[bool, Query(description="Include the units below it")] = True,
    role: RoleFilter = None,
    limit: Limit = 200,
    offset: Offset = 0,
):
    return service.members(conn, principal, org_unit_id, on=on, subtree=subtree, role=role, limit=limit, offset=offset)
