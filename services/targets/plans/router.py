"""Endpoints for target plans: lifecycle, decomposition, cells and explanations, versions, adjustments,
bottom-up proposals and spreadsheets. Thin: parse, call the use case, answer."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from services.targets import db
from services.targets.domain.plan_lifecycle import PlanAction
from services.targets.plans import adjustments, proposals, service, spreadsheets
from services.targets.plans import cells as plan_cells
from services.targets.plans import decomposition as plan_decomposition
from services.targets.plans import explanations as plan_explanations
from services.targets.plans import imports as plan_imports
from services.targets.plans.schemas import (
    AdjustmentIn,
    AdjustmentOut,
    CellExplanationOut,
    CellOut,
    DecisionIn,
    DecompositionIn,
    DecompositionOut,
    DiffOut,
    ImportOut,
    Metric,
    PlanCreate,
    PlanOut,
    ProductLine,
    ProposalIn,
    ProposalOut,
    RebalanceIn,
    SplitOut,
    Status,
    StatusChangeOut,
    TransitionIn,
    VersionOut,
)
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep, idempotent_create
from shared.http.idempotency import IdempotencyKey
from shared.identity import Role

router = APIRouter(prefix="/plans", tags=["plans"])
managers = require_role(Role.region_manager, Role.director)
requesters = require_role(Role.supervisor, Role.region_manager, Role.director)
Version = Annotated[int | None, Query(ge=1, le=100_000, description="Default: the published version, else the draft")]
Limit = Annotated[int, Query(ge=1, le=10_000)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
ImportReason = Annotated[
    str | None,
    Query(min_length=1, max_length=500, description="Required for a published plan: the adjustment's reason"),
]
SPREADSHEET_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            spreadsheets.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


async def file_body(request: Request) -> bytes:
    """The uploaded spreadsheet, sent as the raw request body (.xlsx or UTF-8 CSV)."""
    return await request.body()


FileBody = Annotated[bytes, Depends(file_body)]


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
    return adjustments.diff_versions(conn, principal, plan_id, from_version, to_version, limit=limit, offset=offset)


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


@router.post(
    "/{plan_id}/adjustments",
    status_code=201,
    response_model=AdjustmentOut,
    dependencies=[requesters],
    summary="Ask for a change to a published plan, with a reason",
)
def request_adjustment(
    plan_id: uuid.UUID,
    body: AdjustmentIn,
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
        lambda: adjustments.request_adjustment(conn, principal, plan_id, body),
    )


@router.get("/{plan_id}/adjustments", response_model=list[AdjustmentOut], summary="Adjustment requests")
def list_adjustments(
    plan_id: uuid.UUID,
    conn: ConnDep,
    principal: PrincipalDep,
    status: Annotated[str | None, Query(pattern="^(pending|approved|rejected)$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
):
    return adjustments.list_adjustments(conn, principal, plan_id, status=status, limit=limit, offset=offset)


@router.get("/{plan_id}/adjustments/{adjustment_id}", response_model=AdjustmentOut, summary="One adjustment")
def get_adjustment(plan_id: uuid.UUID, adjustment_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return adjustments.get_adjustment(conn, principal, plan_id, adjustment_id)


@router.post(
    "/{plan_id}/adjustments/{adjustment_id}/approve",
    response_model=AdjustmentOut,
    dependencies=[managers],
    summary="Approve: a new version with the changes is put in force",
)
def approve_adjustment(
    plan_id: uuid.UUID, adjustment_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep, body: DecisionIn | None = None
):
    return adjustments.approve_adjustment(conn, principal, plan_id, adjustment_id, body or DecisionIn())


@router.post(
    "/{plan_id}/adjustments/{adjustment_id}/reject",
    response_model=AdjustmentOut,
    dependencies=[managers],
    summary="Reject an adjustment request",
)
def reject_adjustment(
    plan_id: uuid.UUID, adjustment_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep, body: DecisionIn | None = None
):
    return adjustments.reject_adjustment(conn, principal, plan_id, adjustment_id, body or DecisionIn())


@router.post(
    "/{plan_id}/proposals",
    status_code=201,
    response_model=ProposalOut,
    dependencies=[requesters],
    summary="Propose a different yearly number for a child unit, with a reason (before approval)",
)
def propose(
    plan_id: uuid.UUID,
    body: ProposalIn,
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
        lambda: proposals.propose(conn, principal, plan_id, body),
    )


@router.get("/{plan_id}/proposals", response_model=list[ProposalOut], summary="Bottom-up proposals")
def list_proposals(
    plan_id: uuid.UUID,
    conn: ConnDep,
    principal: PrincipalDep,
    status: Annotated[str | None, Query(pattern="^(pending|accepted|rejected|rebalanced)$")] = None,
    parent_id: Annotated[uuid.UUID | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
):
    return proposals.list_proposals(
        conn, principal, plan_id, status=status, parent_id=parent_id, limit=limit, offset=offset
    )


@router.post(
    "/{plan_id}/proposals/{proposal_id}/accept",
    response_model=ProposalOut,
    dependencies=[managers],
    summary="Accept: the proposal replaces the split value, siblings absorb the difference",
)
def accept_proposal(
    plan_id: uuid.UUID, proposal_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep, body: DecisionIn | None = None
):
    return proposals.accept(conn, principal, plan_id, proposal_id, body or DecisionIn())


@router.post(
    "/{plan_id}/proposals/{proposal_id}/reject",
    response_model=ProposalOut,
    dependencies=[managers],
    summary="Reject: the top-down number stays",
)
def reject_proposal(
    plan_id: uuid.UUID, proposal_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep, body: DecisionIn | None = None
):
    return proposals.reject(conn, principal, plan_id, proposal_id, body or DecisionIn())


@router.post(
    "/{plan_id}/proposals/{proposal_id}/rebalance",
    response_model=ProposalOut,
    dependencies=[managers],
    summary="Rebalance: the parent settles on its own value for the child; siblings absorb the rest",
)
def rebalance_proposal(
    plan_id: uuid.UUID, proposal_id: uuid.UUID, body: RebalanceIn, conn: ConnDep, principal: PrincipalDep
):
    return proposals.rebalance(conn, principal, plan_id, proposal_id, body)


def _file(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get(
    "/{plan_id}/export.xlsx",
    response_class=Response,
    summary="The plan's targets as an Excel workbook",
    responses={200: {"content": {spreadsheets.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}},
)
def export_xlsx(plan_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep, version: Version = None):
    table = spreadsheets.export_table(conn, principal, plan_id, version)
    return _file(spreadsheets.to_xlsx(table), spreadsheets.XLSX_MEDIA_TYPE, f"{table.filename}.xlsx")


@router.get(
    "/{plan_id}/export.csv",
    response_class=Response,
    summary="The plan's targets as CSV (UTF-8)",
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_csv(plan_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep, version: Version = None):
    table = spreadsheets.export_table(conn, principal, plan_id, version)
    return _file(spreadsheets.to_csv(table), "text/csv; charset=utf-8", f"{table.filename}.csv")


@router.post(
    "/{plan_id}/imports/targets",
    response_model=ImportOut,
    openapi_extra=SPREADSHEET_BODY,
    dependencies=[requesters],
    summary="Import manual targets (.xlsx or CSV in the export's layout); all rows or none",
)
def import_targets(
    plan_id: uuid.UUID, content: FileBody, conn: ConnDep, principal: PrincipalDep, reason: ImportReason = None
):
    return plan_imports.import_targets(conn, principal, plan_id, content, reason)


@router.post(
    "/{plan_id}/imports/weights",
    response_model=ImportOut,
    openapi_extra=SPREADSHEET_BODY,
    dependencies=[managers],
    summary="Import manual weights per org unit or rep (columns org_unit_code or person_id, weight)",
)
def import_weights(plan_id: uuid.UUID, content: FileBody, conn: ConnDep, principal: PrincipalDep):
    return plan_imports.import_weights(conn, principal, plan_id, content)
