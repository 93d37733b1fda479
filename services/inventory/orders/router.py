"""Order endpoints, including the REST twin of the erp.orders.v1 topic."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from services.inventory.orders import service, waiting
from services.inventory.orders.schemas import ErpOrderAccepted, OrderOut, WaitingOrderPage
from shared.auth import PrincipalDep, require_role
from shared.events.erp import ErpOrder
from shared.http.app import ConnDep
from shared.identity import Role

router = APIRouter(tags=["orders"])


@router.post(
    "/erp/orders",
    response_model=ErpOrderAccepted,
    status_code=202,
    summary="Push an ERP order version (same contract as the erp.orders.v1 topic)",
    dependencies=[require_role(Role.erp)],
)
def push_erp_order(body: ErpOrder, conn: ConnDep):
    return service.record_erp_order(conn, body)


@router.get(
    "/erp/waiting/orders",
    response_model=WaitingOrderPage,
    summary="ERP orders waiting for their dealer to be registered, oldest first, with their unknown SKU codes",
    dependencies=[require_role(Role.admin)],
)
def waiting_orders(
    conn: ConnDep,
    cursor: Annotated[str | None, Query(max_length=200, description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
):
    return waiting.waiting_orders(conn, cursor=cursor, limit=limit)


@router.get("/orders", response_model=list[OrderOut], summary="Orders of dealers in the caller's subtree")
def list_orders(
    conn: ConnDep,
    principal: PrincipalDep,
    erp_order_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    return service.list_orders(conn, principal, erp_order_id=erp_order_id, limit=limit, offset=offset)


@router.get("/orders/{order_id}", response_model=OrderOut, summary="One order with its lines")
def get_order(order_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.get_order(conn, principal, order_id)
