"""Stock report endpoints: one report by a rep, a file of many by a dealer's system, reads with explanations."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.inventory import db
from services.inventory.stock_reports import service
from services.inventory.stock_reports.schemas import (
    BulkIn,
    BulkOut,
    StockPolicyIn,
    StockPolicyOut,
    StockReportIn,
    StockReportOut,
)
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep, idempotent_create
from shared.http.idempotency import IdempotencyKey
from shared.identity import Role
from shared.types import IsoDate

router = APIRouter(tags=["stock reports"])
field_roles = require_role(Role.director, Role.region_manager, Role.supervisor, Role.rep)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BULK_BODY = {
    "requestBody": {
        "required": True,
        "description": "Columns dealer_code, period_end, sku, opening (blank: last closing), received, closing, "
        "batches (`CODE@YYYY-MM-DD=QTY;…`). At most 1,100,000 rows and 256 MB.",
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "example": "dealer_code,period_end,sku,opening,received,closing,batches\n"
                "D-0001,2026-03-15,SKU-001,300,400,210,20260201-A@2026-02-01=210\n",
            },
            XLSX: {"schema": {"type": "string", "format": "binary"}},
            "application/json": {"schema": BulkIn.model_json_schema(ref_template="#/components/schemas/{model}")},
        },
    }
}


async def raw_body(request: Request) -> bytes:
    return await request.body()


@router.post(
    "/stock-reports",
    status_code=201,
    response_model=StockReportOut,
    summary="Submit one dealer's weekly stock report (进销存); every line derived and explained",
    dependencies=[field_roles],
)
def submit_report(
    body: StockReportIn,
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
        lambda: service.submit_report(conn, principal, body),
    )


@router.post(
    "/stock-report-files",
    status_code=201,
    response_model=BulkOut,
    openapi_extra=BULK_BODY,
    summary="Submit many dealers' weekly reports as CSV, .xlsx or JSON; all or nothing, errors per row",
    dependencies=[require_role(Role.erp, Role.director, Role.region_manager, Role.supervisor)],
)
def submit_bulk(request: Request, content: Annotated[bytes, Depends(raw_body)], conn: ConnDep, principal: PrincipalDep):
    return service.submit_bulk(conn, principal, content, request.headers.get("content-type", ""))


@router.get("/stock-reports", response_model=list[StockReportOut], summary="Stock reports in the caller's subtree")
def list_reports(
    conn: ConnDep,
    principal: PrincipalDep,
    dealer_id: uuid.UUID | None = None,
    period_end: Annotated[IsoDate | None, Query(examples=["2026-03-15"])] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    return service.list_reports(conn, principal, dealer_id=dealer_id, period_end=period_end, limit=limit, offset=offset)


@router.get(
    "/stock-reports/{report_id}",
    response_model=StockReportOut,
    summary="One stock report: every line's figures and the explanation of its suggested order",
)
def get_report(report_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.get_report(conn, principal, report_id)


@router.put(
    "/stock-policies/{org_unit_id}",
    response_model=StockPolicyOut,
    summary="Set the stock-days band for the dealers at and below an org unit (e.g. the company)",
    dependencies=[require_role(Role.director, Role.region_manager)],
)
def set_policy(org_unit_id: uuid.UUID, body: StockPolicyIn, conn: ConnDep, principal: PrincipalDep):
    return service.set_policy(conn, principal, org_unit_id, body)
