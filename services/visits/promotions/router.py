"""Promotion endpoints."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.visits import db
from services.visits.promotions import service
from services.visits.promotions.schemas import PromotionIn, PromotionOut
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep, idempotent_create
from shared.http.idempotency import IdempotencyKey
from shared.identity import Role
from shared.types import IsoDate

router = APIRouter(prefix="/promotions", tags=["promotions"])


@router.post(
    "",
    status_code=201,
    response_model=PromotionOut,
    summary="Set up a promotion for an org unit and below, its channels and period; published",
    dependencies=[require_role(Role.supervisor, Role.region_manager, Role.director)],
)
def create_promotion(
    body: PromotionIn, request: Request, conn: ConnDep, principal: PrincipalDep, idempotency_key: IdempotencyKey = None
):
    return idempotent_create(
        conn,
        request,
        db.idempotency_keys,
        principal,
        idempotency_key,
        body,
        lambda: service.create_promotion(conn, principal, body),
    )


@router.get("", response_model=list[PromotionOut], summary="Promotions of the caller's units and those above them")
def list_promotions(
    conn: ConnDep,
    principal: PrincipalDep,
    running_on: IsoDate | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    return service.list_promotions(conn, principal, running_on=running_on, limit=limit, offset=offset)
