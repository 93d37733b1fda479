"""Read access to a service's projection of the org tree: shows what the service knows of an org unit."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import Table, select

from shared.auth import PrincipalDep
from shared.errors import NotFound
from shared.http.app import ConnDep
from shared.org import ensure_in_scope, scope_condition, subtree_ids


class ProjectedOrgUnit(BaseModel):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: str
    code: str
    name: str
    path: str
    created_at: datetime


def make_org_units_router(org_units: Table) -> APIRouter:
    router = APIRouter(prefix="/org-units", tags=["org units"])

    @router.get(
        "",
        response_model=list[ProjectedOrgUnit],
        summary="This service's copy of the org units in the caller's subtree, in tree order",
    )
    def list_org_units(
        conn: ConnDep,
        principal: PrincipalDep,
        under: Annotated[uuid.UUID | None, Query(description="Only this unit and its descendants")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> list[ProjectedOrgUnit]:
        query = select(org_units).where(scope_condition(org_units, principal, org_units.c.id))
        if under is not None:
            ensure_in_scope(conn, org_units, principal, under, field="under")
            query = query.where(org_units.c.id.in_(subtree_ids(org_units, under)))
        rows = conn.execute(query.order_by(org_units.c.path).limit(limit).offset(offset))
        return [ProjectedOrgUnit.model_validate(r, from_attributes=True) for r in rows]

    @router.get(
        "/{org_unit_id}",
        response_model=ProjectedOrgUnit,
        summary="This service's copy of an org unit (projected from targets' events)",
    )
    def get_org_unit(org_unit_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep) -> ProjectedOrgUnit:
        row = conn.execute(
            select(org_units).where(
                org_units.c.id == org_unit_id, scope_condition(org_units, principal, org_units.c.id)
            )
        ).first()
        if row is None:
            raise NotFound(f"org unit {org_unit_id} not known here")
        return ProjectedOrgUnit.model_validate(row, from_attributes=True)

    return router
