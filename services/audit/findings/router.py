"""Findings for operations teams: search, aggregates, exports, detail with evidence, workflow, comments, SLA."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from services.audit import db
from services.audit.domain.days import supported
from services.audit.domain.settings import Severity
from services.audit.domain.workflow import Status
from services.audit.findings import search, service, sla
from services.audit.findings.schemas import (
    AggregateRow,
    AssignmentIn,
    CommentIn,
    CommentOut,
    FindingDetail,
    FindingPage,
    SlaRunOut,
    TransitionIn,
)
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep, idempotent_create
from shared.http.idempotency import IdempotencyKey
from shared.identity import Role
from shared.types import IsoDate

router = APIRouter(prefix="/findings", tags=["findings"])
# Jobs live outside /findings/{finding_id}, whose GET would otherwise answer for their paths too.
jobs = APIRouter(tags=["findings"])


def filters(
    rule: Annotated[str | None, Query(max_length=50, examples=["price_below_floor"])] = None,
    severity: Severity | None = None,
    status: Status | None = None,
    org_unit_id: Annotated[uuid.UUID | None, Query(description="This unit and its whole subtree")] = None,
    subject: Annotated[str | None, Query(max_length=200, examples=["rep:3f1c…"])] = None,
    opened_from: Annotated[IsoDate | None, Query(examples=["2026-03-01"])] = None,
    opened_to: Annotated[IsoDate | None, Query(examples=["2026-03-31"])] = None,
) -> search.Filters:
    supported(opened_from, "opened_from")
    supported(opened_to, "opened_to")
    return search.Filters(rule, severity, status, org_unit_id, subject, opened_from, opened_to)


FiltersDep = Annotated[search.Filters, Depends(filters)]


@router.get("", response_model=FindingPage, summary="Search findings, newest first, cursor-paginated")
def list_findings(
    conn: ConnDep,
    principal: PrincipalDep,
    query: FiltersDep,
    cursor: Annotated[str | None, Query(max_length=200, description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
):
    return search.search(conn, principal, query, cursor=cursor, limit=limit)


@router.get(
    "/aggregates", response_model=list[AggregateRow], summary="Finding counts by rule x org unit x week of opening"
)
def aggregates(conn: ConnDep, principal: PrincipalDep, query: FiltersDep):
    return search.aggregates(conn, principal, query)


def _file(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get(
    "/export.csv",
    response_class=Response,
    summary="The matching findings as CSV (UTF-8, at most 100,000 rows)",
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_csv(conn: ConnDep, principal: PrincipalDep, query: FiltersDep):
    return _file(search.to_csv(search.export_rows(conn, principal, query)), "text/csv; charset=utf-8", "findings.csv")


@router.get(
    "/export.xlsx",
    response_class=Response,
    summary="The matching findings as an Excel workbook (at most 100,000 rows)",
    responses={200: {"content": {search.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}},
)
def export_xlsx(conn: ConnDep, principal: PrincipalDep, query: FiltersDep):
    return _file(search.to_xlsx(search.export_rows(conn, principal, query)), search.XLSX_MEDIA_TYPE, "findings.xlsx")


@jobs.post(
    "/sla-breaches",
    response_model=SlaRunOut,
    dependencies=[require_role(Role.auditor)],
    summary="Mark findings past their deadline and publish audit.finding.sla_breached for each (daily job)",
)
def sla_breaches(conn: ConnDep):
    return SlaRunOut(breached=sla.publish_breaches(conn))


@router.get("/{finding_id}", response_model=FindingDetail, summary="A finding with its history and evidence chain")
def get_finding(finding_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.detail(conn, principal, finding_id)


@router.post(
    "/{finding_id}/transitions",
    response_model=FindingDetail,
    summary="Move a finding through its workflow (recheck re-runs the rule: verified, or reopened)",
)
def transition(finding_id: uuid.UUID, body: TransitionIn, conn: ConnDep, principal: PrincipalDep):
    return service.transition(conn, principal, finding_id, body)


@router.put("/{finding_id}/assignment", response_model=FindingDetail, summary="Name a finding's owner and deadline")
def assign(finding_id: uuid.UUID, body: AssignmentIn, conn: ConnDep, principal: PrincipalDep):
    return service.assign(conn, principal, finding_id, body)


@router.post(
    "/{finding_id}/comments",
    status_code=201,
    response_model=CommentOut,
    summary="Comment on a finding, optionally with an attachment (name, sha256, where it is stored)",
)
def add_comment(
    finding_id: uuid.UUID,
    body: CommentIn,
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
        lambda: service.comment(conn, principal, finding_id, body),
    )
