"""Read access to a service's projection of the org tree: shows what the service knows of an org unit."""
import uuid
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import Table, select

from shared.auth import PrincipalDep
from shared.errors import NotFound
from shared.http.app import ConnDep
from shared.org import scope_condition


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

    @router.get("/{org_unit_id}", response_model=ProjectedOrgUnit,
                summary="This service's copy of an org unit (projected from targets' events)")
    def get_org_unit(org_unit_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
        row = conn.execute(select(org_units).where(
            org_units.c.id == org_unit_id, scope_condition(org_units, principal, org_units.c.id))).first()
        if row is None:
            raise NotFound(f"org unit {org_unit_id} not known here")
        return ProjectedOrgUnit.model_validate(row, from_attributes=True)

    return router
