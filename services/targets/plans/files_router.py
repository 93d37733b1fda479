"""Endpoints for a plan's spreadsheets: export as .xlsx or CSV, import manual targets or weights."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from services.targets.plans import imports as plan_imports
from services.targets.plans import spreadsheets
from services.targets.plans.params import Version, managers, requesters
from services.targets.plans.schemas import ImportOut
from shared.auth import PrincipalDep
from shared.http.app import ConnDep

router = APIRouter(prefix="/plans", tags=["plans"])
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
