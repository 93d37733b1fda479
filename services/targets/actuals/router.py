"""Actuals learned from order events, their reconciliation, and which reps cover each dealer."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from services.targets.actuals import coverage as actuals_coverage
from services.targets.actuals import reconciliation as actuals_reconciliation
from services.targets.actuals import totals
from services.targets.actuals.schemas import ActualsOut, CoverageChangeOut, CoverageIn, CoverageOut, ReconciliationOut
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep
from shared.identity import Role
from shared.types import IsoDate

router = APIRouter()
coverage_keepers = require_role(Role.director, Role.region_manager, Role.supervisor)
reconcilers = require_role(Role.director, Role.region_manager, Role.supervisor, Role.auditor)


# Declared before /actuals/{org_unit_id}, which would otherwise take "reconciliation" for an id.
@router.get(
    "/actuals/reconciliation",
    response_model=ReconciliationOut,
    tags=["actuals"],
    dependencies=[reconcilers],
    summary="Orders received versus attributed, with every order that could not be attributed, by reason",
)
def reconcile(
    conn: ConnDep,
    principal: PrincipalDep,
    date_from: Annotated[IsoDate, Query(examples=["2026-03-01"])],
    date_to: Annotated[IsoDate, Query(examples=["2026-03-31"])],
    org_unit_id: Annotated[
        uuid.UUID | None, Query(description="Only this subtree; default the caller's whole scope")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Orders listed per reason")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
):
    return actuals_reconciliation.reconcile(
        conn, principal, date_from=date_from, date_to=date_to, org_unit_id=org_unit_id, limit=limit, offset=offset
    )


@router.get(
    "/actuals/{org_unit_id}",
    response_model=ActualsOut,
    tags=["actuals"],
    summary="Order amount and volume of an org unit's subtree over a date range, by the tree of each order's day",
)
def get_actuals(
    org_unit_id: uuid.UUID,
    conn: ConnDep,
    principal: PrincipalDep,
    date_from: Annotated[IsoDate | None, Query(examples=["2026-01-01"])] = None,
    date_to: Annotated[IsoDate | None, Query(examples=["2026-12-31"])] = None,
):
    return totals.actuals(conn, principal, org_unit_id, date_from, date_to)


@router.get(
    "/dealers/{dealer_id}/coverage",
    response_model=CoverageOut,
    tags=["dealer coverage"],
    summary="Which reps covered a dealer, by share, over time",
)
def get_coverage(dealer_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return actuals_coverage.get_coverage(conn, principal, dealer_id)


@router.put(
    "/dealers/{dealer_id}/coverage",
    response_model=CoverageChangeOut,
    tags=["dealer coverage"],
    dependencies=[coverage_keepers],
    summary="Give a period of a dealer to reps by contribution share (summing to 1); re-splits its actuals",
)
def set_coverage(dealer_id: uuid.UUID, body: CoverageIn, conn: ConnDep, principal: PrincipalDep):
    return actuals_coverage.set_coverage(conn, principal, dealer_id, body)
