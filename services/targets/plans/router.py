"""Endpoints for target plans: lifecycle, versions, decomposition, cells and their explanations. Thin: parse, call
the use case, answer. Adjustments and proposals are in `requests_router`, spreadsheets in `files_router`."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.targets import db
from services.targets.domain.plan_lifecycle import PlanAction
from services.targets.plans import cells as plan_cells
from services.targets.plans import decomposition as plan_decomposition
from services.targets.plans import explanations as plan_explanations
from services.targets.plans import service, versions
from services.targets.plans.params import Limit, Offset, Version, managers
from services.targets.plans.schemas import (
    CellExplanationOut,
    CellOut,
    DecompositionIn,
    DecompositionOut,
    DiffOut,
    Metric,
    PlanCreate,
    PlanOut,
    ProductLine,
    SplitOut,
    Status,
    StatusChangeOut,
    TransitionIn,
    VersionOut,
)
from shared.auth import PrincipalDep
from shared.http.app import ConnDep, idempotent_create
from shared.http.idempotency import IdempotencyKey

router = APIRouter(prefix="/plans", tags=["plans"])


@router.post(
    "",
    status_code=201,
    response_model=PlanOut,
    summary="Open a draft target plan for an org unit",
    dependencies=[managers],
)
def create_plan(
    body: PlanCreate, request: Request, conn: ConnDep, principal: PrincipalDep, idempotency_key: IdempotencyKey = None
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


@router.get("", response_model=list[PlanOut], summary="Plans the caller may see, newest first")
def list_plans(
    conn: ConnDep,
    principal: PrincipalDep,
    status: Annotated[Status | None, Query()] = None,
    metric: Annotated[Metric | None, Query()] = None,
    fiscal_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
):
    return service.list_plans(
        conn, principal, status=status, metric=metric, fiscal_year=fiscal_year, limit=limit, offset=offset
    )


@router.get("/{plan_id}", response_model=PlanOut, summary="One plan")
def get_plan(plan_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.get_plan(conn, principal, plan_id)


def _transition_route(action: PlanAction, summary: str) -> None:
    def move(plan_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep, body: TransitionIn | None = None):
        return service.transition(conn, principal, plan_id, action, body or TransitionIn())

    router.add_api_route(
        f"/{{plan_id}}/{action.value}",
        move,
        methods=["POST"],
        response_model=PlanOut,
        summary=summary,
        name=f"{action.value}_plan",
        dependencies=[managers],
    )


_transition_route(PlanAction.submit, "Submit a draft for approval (a manager at or above the root)")
_transition_route(PlanAction.approve, "Approve a submitted plan (a manager above the root)")
_transition_route(PlanAction.return_, "Send a submitted or approved plan back to draft, with a note")
_transition_route(PlanAction.publish, "Publish an approved plan: its version is in force")
_transition_route(PlanAction.archive, "Archive a published plan")


@router.get("/{plan_id}/status-changes", response_model=list[StatusChangeOut], summary="The plan's lifecycle")
def status_changes(plan_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.status_changes(conn, principal, plan_id)


@router.get("/{plan_id}/versions", response_model=list[VersionOut], summary="Every version of the plan")
def list_versions(plan_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.list_versions(conn, principal, plan_id)


@router.get("/{plan_id}/diff", response_model=DiffOut, summary="Cells that differ between two versions")
def diff_versions(
    plan_id: uuid.UUID,
    conn: ConnDep,
    principal: PrincipalDep,
    from_version: Annotated[int, Query(ge=1, le=100_000)],
    to_version: Annotated[int, Query(ge=1, le=100_000)],
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Offset = 0,
):
    return versions.diff_versions(conn, principal, plan_id, from_version, to_version, limit=limit, offset=offset)


@router.post(
    "/{plan_id}/decomposition",
    response_model=DecompositionOut,
    dependencies=[managers],
    summary="Split the yearly value down the tree, over product lines and months, into the draft",
)
def decompose(plan_id: uuid.UUID, body: DecompositionIn, conn: ConnDep, principal: PrincipalDep):
    return plan_decomposition.decompose_plan(conn, principal, plan_id, body)


@router.get(
    "/{plan_id}/splits/{parent_id}",
    response_model=SplitOut,
    summary="How a parent's value was split, child by child, with pending proposals beside it",
)
def get_split(
    plan_id: uuid.UUID, parent_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep, version: Version = None
):
    return plan_explanations.get_split(conn, principal, plan_id, parent_id, version)


@router.get(
    "/{plan_id}/cells", response_model=list[CellOut], summary="Target cells the caller may read (a rep: their own)"
)
def list_cells(
    plan_id: uuid.UUID,
    conn: ConnDep,
    principal: PrincipalDep,
    version: Version = None,
    org_unit_id: Annotated[uuid.UUID | None, Query()] = None,
    person_id: Annotated[uuid.UUID | None, Query()] = None,
    product_line: Annotated[ProductLine | None, Query()] = None,
    month: Annotated[int | None, Query(ge=1, le=12)] = None,
    under: Annotated[uuid.UUID | None, Query(description="Only cells of this unit's subtree")] = None,
    limit: Limit = 1000,
    offset: Offset = 0,
):
    return plan_cells.list_cells(
        conn,
        principal,
        plan_id,
        version=version,
        org_unit_id=org_unit_id,
        person_id=person_id,
        product_line=product_line,
        month=month,
        under=under,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/{plan_id}/cells/explanation",
    response_model=CellExplanationOut,
    summary="Why one cell's value is what it is: each step from the root down, and one sentence",
)
def explain_cell(
    plan_id: uuid.UUID,
    conn: ConnDep,
    principal: PrincipalDep,
    org_unit_id: Annotated[uuid.UUID, Query()],
    month: Annotated[int, Query(ge=1, le=12)],
    person_id: Annotated[uuid.UUID | None, Query()] = None,
    product_line: Annotated[ProductLine, Query()] = "",
    version: Version = None,
):
    return plan_explanations.explain_cell(
        conn,
        principal,
        plan_id,
        org_unit_id=org_unit_id,
        person_id=person_id,
        product_line=product_line,
        month=month,
        version=version,
    )
