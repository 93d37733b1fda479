"""Outlet master endpoints."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.visits import db
from services.visits.outlets import book, service
from services.visits.outlets.schemas import GradeRecompute, GradeRecomputeOut, OutletCreate, OutletOut, OutletUpdate
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep, idempotent_create
from shared.http.idempotency import IdempotencyKey
from shared.http.not_yet_known import NOT_YET_KNOWN_RESPONSE
from shared.identity import Role

router = APIRouter(prefix="/outlets", tags=["outlets"])


@router.post(
    "",
    status_code=201,
    response_model=OutletOut,
    summary="Add an outlet to the outlet master",
    responses=NOT_YET_KNOWN_RESPONSE,
    dependencies=[require_role(Role.rep, Role.supervisor, Role.region_manager, Role.director)],
)
def register_outlet(
    body: OutletCreate, request: Request, conn: ConnDep, principal: PrincipalDep, idempotency_key: IdempotencyKey = None
):
    return idempotent_create(
        conn,
        request,
        db.idempotency_keys,
        principal,
        idempotency_key,
        body,
        lambda: service.register_outlet(conn, principal, body),
    )


@router.get("", response_model=list[OutletOut], summary="Outlets in the caller's subtree")
def list_outlets(
    conn: ConnDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    return service.list_outlets(conn, principal, limit=limit, offset=offset)


@router.get("/{outlet_id}", response_model=OutletOut, summary="One outlet")
def get_outlet(outlet_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.get_outlet(conn, principal, outlet_id)


@router.patch(
    "/{outlet_id}",
    response_model=OutletOut,
    summary="Change an outlet's book entry (optimistic: a stale version is refused); published as an event",
    dependencies=[require_role(Role.supervisor, Role.region_manager, Role.director)],
)
def update_outlet(outlet_id: uuid.UUID, body: OutletUpdate, conn: ConnDep, principal: PrincipalDep):
    return book.update_outlet(conn, principal, outlet_id, body)


@router.post(
    "/grades/recompute",
    response_model=GradeRecomputeOut,
    summary="Recompute A/B/C/D grades under an org unit from the volume ordered on visits in a window",
    dependencies=[require_role(Role.region_manager, Role.director)],
)
def recompute_grades(body: GradeRecompute, conn: ConnDep, principal: PrincipalDep):
    return book.recompute_grades(conn, principal, body)
