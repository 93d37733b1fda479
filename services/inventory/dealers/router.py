"""Dealer endpoints."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.inventory import db
from services.inventory.dealers import service
from services.inventory.dealers.schemas import DealerCreate, DealerOut, DealerUpdate
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep, idempotent_create
from shared.http.idempotency import IdempotencyKey
from shared.http.not_yet_known import NOT_YET_KNOWN_RESPONSE
from shared.identity import Role

router = APIRouter(prefix="/dealers", tags=["dealers"])


@router.post(
    "",
    status_code=201,
    response_model=DealerOut,
    summary="Register a dealer in an org unit",
    responses=NOT_YET_KNOWN_RESPONSE,
    dependencies=[require_role(Role.director, Role.region_manager, Role.supervisor)],
)
def register_dealer(
    body: DealerCreate, request: Request, conn: ConnDep, principal: PrincipalDep, idempotency_key: IdempotencyKey = None
):
    return idempotent_create(
        conn,
        request,
        db.idempotency_keys,
        principal,
        idempotency_key,
        body,
        lambda: service.register_dealer(conn, principal, body),
    )


@router.get("", response_model=list[DealerOut], summary="Dealers in the caller's subtree")
def list_dealers(
    conn: ConnDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    return service.list_dealers(conn, principal, limit=limit, offset=offset)


@router.get("/{dealer_id}", response_model=DealerOut, summary="One dealer")
def get_dealer(dealer_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.get_dealer(conn, principal, dealer_id)


@router.patch(
    "/{dealer_id}",
    response_model=DealerOut,
    summary="Change a dealer's territory, credit limit, terms, grade or status (published)",
    dependencies=[require_role(Role.director, Role.region_manager)],
)
def update_dealer(dealer_id: uuid.UUID, body: DealerUpdate, conn: ConnDep, principal: PrincipalDep):
    return service.update_dealer(conn, principal, dealer_id, body)
