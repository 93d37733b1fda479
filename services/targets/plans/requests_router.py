"""Endpoints for changing a plan by request: adjustments to a published plan and bottom-up proposals before
approval, each asked for with a reason and decided by a manager."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.targets import db
from services.targets.plans import adjustments, proposals
from services.targets.plans.params import Offset, managers, requesters
from services.targets.plans.schemas import (
    AdjustmentIn,
    AdjustmentOut,
    DecisionIn,
    ProposalIn,
    ProposalOut,
    RebalanceIn,
)
from shared.auth import PrincipalDep
from shared.http.app import ConnDep, idempotent_create
from shared.http.idempotency import IdempotencyKey

router = APIRouter(prefix="/plans", tags=["plans"])


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
