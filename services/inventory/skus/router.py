"""SKU endpoints: the product master is company-wide; directors maintain it, everyone reads it."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.inventory import db
from services.inventory.skus import service
from services.inventory.skus.schemas import SkuCreate, SkuOut, SkuUpdate
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep, idempotent_create
from shared.http.idempotency import IdempotencyKey
from shared.identity import Role

router = APIRouter(prefix="/skus", tags=["skus"])
maintainers = require_role(Role.director)


@router.post("", status_code=201, response_model=SkuOut, summary="Register a SKU", dependencies=[maintainers])
def register_sku(
    body: SkuCreate, request: Request, conn: ConnDep, principal: PrincipalDep, idempotency_key: IdempotencyKey = None
):
    return idempotent_create(
        conn,
        request,
        db.idempotency_keys,
        principal,
        idempotency_key,
        body,
        lambda: service.register_sku(conn, body),
    )


@router.patch(
    "/{sku_id}", response_model=SkuOut, summary="Change a SKU's fields (published)", dependencies=[maintainers]
)
def update_sku(sku_id: uuid.UUID, body: SkuUpdate, conn: ConnDep):
    return service.update_sku(conn, sku_id, body)


@router.get("", response_model=list[SkuOut], summary="SKUs, by code")
def list_skus(
    conn: ConnDep,
    principal: PrincipalDep,
    code: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    return service.list_skus(conn, code=code, limit=limit, offset=offset)


@router.get("/{sku_id}", response_model=SkuOut, summary="One SKU")
def get_sku(sku_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.get_sku(conn, sku_id)
