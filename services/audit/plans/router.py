"""Audit plans and spot checks (抽查): periodic audits of an org unit, samples drawn by risk, on-site checklists."""

import uuid

from fastapi import APIRouter, Request

from services.audit import db
from services.audit.plans import service
from services.audit.plans.schemas import ChecklistIn, ChecklistOut, PlanIn, PlanOut, SpotCheckIn, SpotCheckOut
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep, idempotent_create
from shared.http.idempotency import IdempotencyKey
from shared.identity import Role

router = APIRouter(tags=["audit plans and spot checks"])
auditors = require_role(Role.auditor)
inspectors = require_role(Role.auditor, Role.supervisor, Role.region_manager, Role.director)


@router.post(
    "/audit-plans",
    status_code=201,
    response_model=PlanOut,
    dependencies=[auditors],
    summary="Plan a periodic audit of an org subtree (every N months, a spot check of a sample)",
)
def create_plan(
    body: PlanIn, request: Request, conn: ConnDep, principal: PrincipalDep, idempotency_key: IdempotencyKey = None
):
    return idempotent_create(
        conn,
        request,
        db.idempotency_keys,
        principal,
        idempotency_key,
        body,
        lambda: service.create_plan(conn, principal, body),
    )


@router.get("/audit-plans", response_model=list[PlanOut], summary="Audit plans in the caller's subtree, next due first")
def list_plans(conn: ConnDep, principal: PrincipalDep):
    return service.list_plans(conn, principal)


@router.post(
    "/audit-plans/{plan_id}/spot-checks",
    status_code=201,
    response_model=SpotCheckOut,
    dependencies=[auditors],
    summary="Draw a spot check's sample: stratified by open-finding risk, the same for the same seed",
)
def draw(
    plan_id: uuid.UUID,
    body: SpotCheckIn,
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
        lambda: service.draw_spot_check(conn, principal, plan_id, body),
    )


@router.get(
    "/spot-checks/{spot_check_id}", response_model=SpotCheckOut, summary="A spot check, its sample and checklists"
)
def get_spot_check(spot_check_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.get_spot_check(conn, principal, spot_check_id)


@router.put(
    "/spot-checks/{spot_check_id}/checklists",
    response_model=ChecklistOut,
    dependencies=[inspectors],
    summary="Fill a sampled subject's checklist on site: failed items become findings, passed ones verify them",
)
def fill_checklist(spot_check_id: uuid.UUID, body: ChecklistIn, conn: ConnDep, principal: PrincipalDep):
    return service.fill_checklist(conn, principal, spot_check_id, body)
