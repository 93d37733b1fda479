"""Dealer order endpoints: drafts, lifecycle actions (credit hold on submit), shipments by batch (FEFO),
the company warehouse's batches, and returns, exchanges and write-offs."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.inventory import db
from services.inventory.dealer_orders import service, shipping
from services.inventory.dealer_orders.schemas import (
    AdjustmentCreate,
    AdjustmentOut,
    DealerOrderCreate,
    DealerOrderOut,
    Decision,
    ShipmentCreate,
    ShipmentOut,
    WarehouseBatchIn,
    WarehouseBatchOut,
)
from services.inventory.domain.dealer_orders import OrderStatus
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep, idempotent_create
from shared.http.idempotency import IdempotencyKey
from shared.identity import Role

router = APIRouter(tags=["dealer orders"])
field = require_role(Role.director, Role.region_manager, Role.supervisor, Role.rep)
approvers = require_role(Role.director, Role.region_manager, Role.supervisor)
logistics = require_role(Role.director, Role.region_manager, Role.erp)


@router.post(
    "/dealer-orders",
    status_code=201,
    response_model=DealerOrderOut,
    summary="Open a draft order for a dealer (priced at list price or inside the SKU's price band)",
    dependencies=[field],
)
def create_order(
    body: DealerOrderCreate,
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
        lambda: service.create_order(conn, principal, body),
    )


@router.get("/dealer-orders", response_model=list[DealerOrderOut], summary="Dealer orders in the caller's subtree")
def list_orders(
    conn: ConnDep,
    principal: PrincipalDep,
    dealer_id: uuid.UUID | None = None,
    status: OrderStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    return service.list_orders(
        conn, principal, dealer_id=dealer_id, status=status and status.value, limit=limit, offset=offset
    )


@router.get("/dealer-orders/{order_id}", response_model=DealerOrderOut, summary="One dealer order with its lines")
def get_order(order_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.get_order(conn, principal, order_id)


def _action(action: str, summary: str, roles):
    @router.post(
        f"/dealer-orders/{{order_id}}/{action}",
        response_model=DealerOrderOut,
        summary=summary,
        dependencies=[roles],
        name=f"{action}_order",
    )
    def move(order_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep, body: Decision | None = None):
        return service.transition(conn, principal, order_id, action, reason=body.reason if body else None)


_action("submit", "Submit a draft; the credit check may put it on credit hold", field)
_action("approve", "Approve a submitted order, or release one on credit hold (managers)", approvers)
_action("reject", "Reject a submitted order or one on credit hold", approvers)
_action("cancel", "Cancel an order not shipped yet", field)
_action("deliver", "Record that a fully shipped order reached the dealer", logistics)
_action("close", "Close a delivered order", approvers)


@router.post(
    "/dealer-orders/{order_id}/shipments",
    status_code=201,
    response_model=ShipmentOut,
    summary="Ship part or all of an approved order; batches taken first-expiry-first-out",
    dependencies=[logistics],
)
def ship(order_id: uuid.UUID, body: ShipmentCreate, conn: ConnDep, principal: PrincipalDep):
    return shipping.ship(conn, principal, order_id, body)


@router.post(
    "/warehouse/batches",
    status_code=201,
    response_model=WarehouseBatchOut,
    summary="Receive a production batch into the company warehouse",
    dependencies=[logistics],
)
def receive_batch(body: WarehouseBatchIn, conn: ConnDep):
    return shipping.receive_batch(conn, body)


@router.post(
    "/stock-adjustments",
    status_code=201,
    response_model=AdjustmentOut,
    summary="Record a return, exchange or damage write-off at a dealer, with its reason",
    dependencies=[field],
)
def record_adjustment(body: AdjustmentCreate, conn: ConnDep, principal: PrincipalDep):
    return shipping.record_adjustment(conn, principal, body)
