"""Collections endpoints: the REST twins of erp.invoices.v1 and erp.payments.v1, invoices, ageing, what waits for
master data, and bad-debt write-offs."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.inventory.collections import ingest, service
from services.inventory.collections.schemas import (
    AgeingOut,
    ErpAccepted,
    InvoiceOut,
    WaitingOut,
    WriteOffCreate,
    WriteOffOut,
)
from shared.auth import PrincipalDep, require_role
from shared.events.erp_collections import ErpInvoice, ErpPayment
from shared.http.app import ConnDep
from shared.identity import Role
from shared.types import IsoDate

router = APIRouter(tags=["collections"])
erp = require_role(Role.erp)


@router.post(
    "/erp/invoices",
    status_code=202,
    response_model=ErpAccepted,
    summary="Push an ERP invoice version (same contract as the erp.invoices.v1 topic)",
    dependencies=[erp],
)
def push_invoice(body: ErpInvoice, conn: ConnDep):
    return ingest.record(conn, body)


@router.post(
    "/erp/payments",
    status_code=202,
    response_model=ErpAccepted,
    summary="Push an ERP payment version (same contract as the erp.payments.v1 topic)",
    dependencies=[erp],
)
def push_payment(body: ErpPayment, conn: ConnDep):
    return ingest.record(conn, body)


@router.get(
    "/erp/waiting",
    response_model=list[WaitingOut],
    summary="Invoices and payments waiting for their dealer to be registered, oldest first",
    dependencies=[require_role(Role.director, Role.auditor)],
)
def waiting(conn: ConnDep, limit: Annotated[int, Query(ge=1, le=1000)] = 200):
    return service.waiting_for_master_data(conn, limit=limit)


@router.get("/invoices", response_model=list[InvoiceOut], summary="Invoices of dealers in the caller's subtree")
def list_invoices(
    conn: ConnDep,
    principal: PrincipalDep,
    dealer_id: uuid.UUID | None = None,
    external_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    return service.list_invoices(
        conn, principal, dealer_id=dealer_id, external_id=external_id, limit=limit, offset=offset
    )


@router.get("/invoices/{invoice_id}", response_model=InvoiceOut, summary="One invoice with what is open on it")
def get_invoice(invoice_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.get_invoice(conn, principal, invoice_id)


@router.get(
    "/receivables/ageing",
    response_model=AgeingOut,
    summary="Open receivables in 0–30, 31–60, 61–90 and >90 day buckets (one dealer or the whole subtree)",
)
def receivables_ageing(
    conn: ConnDep,
    principal: PrincipalDep,
    dealer_id: uuid.UUID | None = None,
    as_of: Annotated[IsoDate | None, Query(examples=["2026-03-31"])] = None,
):
    return service.receivables_ageing(conn, principal, dealer_id=dealer_id, as_of=as_of or date.today())


@router.post(
    "/invoices/{invoice_id}/write-offs",
    status_code=201,
    response_model=WriteOffOut,
    summary="Ask to write off a bad debt on an invoice (approved by a director)",
    dependencies=[require_role(Role.director, Role.region_manager)],
)
def request_write_off(invoice_id: uuid.UUID, body: WriteOffCreate, conn: ConnDep, principal: PrincipalDep):
    return service.request_write_off(conn, principal, invoice_id, body)


@router.post(
    "/write-offs/{write_off_id}/approve",
    response_model=WriteOffOut,
    summary="Approve a requested bad-debt write-off",
    dependencies=[require_role(Role.director)],
)
def approve_write_off(write_off_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.decide_write_off(conn, principal, write_off_id, approve=True)


@router.post(
    "/write-offs/{write_off_id}/reject",
    response_model=WriteOffOut,
    summary="Reject a requested bad-debt write-off",
    dependencies=[require_role(Role.director)],
)
def reject_write_off(write_off_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.decide_write_off(conn, principal, write_off_id, approve=False)
