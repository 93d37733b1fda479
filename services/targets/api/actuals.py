"""Actuals learned from order events."""
import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.targets import actuals_service as service
from services.targets.api.schemas import ActualsOut
from shared.auth import PrincipalDep
from shared.http.app import ConnDep

router = APIRouter(prefix="/actuals", tags=["actuals"])


@router.get("/{org_unit_id}", response_model=ActualsOut,
            summary="Order amount and volume of an org unit's subtree over a date range")
def get_actuals(org_unit_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep,
                date_from: Annotated[date | None, Query(examples=["2026-01-01"])] = None,
                date_to: Annotated[date | None, Query(examples=["2026-12-31"])] = None):
    return service.actuals(conn, principal, org_unit_id, date_from, date_to)
