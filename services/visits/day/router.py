"""Route optimisation and the rep's day."""

import uuid
from datetime import date

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from services.visits.day import service
from services.visits.day.schemas import DayOut, OptimiseIn, OptimiseOut
from shared.auth import PrincipalDep
from shared.http.app import ConnDep
from shared.types import IsoDate

router = APIRouter(tags=["the rep's day"])


@router.post(
    "/routes/optimise",
    response_model=OptimiseOut,
    summary="Order outlets to travel least from a start point inside opening hours; legs and arrival times",
)
def optimise(body: OptimiseIn, conn: ConnDep, principal: PrincipalDep):
    return service.optimise_route(conn, principal, body)


@router.get(
    "/reps/{rep_id}/day",
    response_model=DayOut,
    response_model_exclude_none=True,
    summary="A rep's published visits of a day in the optimised order, with steps and last findings (ETag / 304)",
    responses={304: {"description": "Not modified: the copy named by If-None-Match is current"}},
)
def rep_day(rep_id: uuid.UUID, on: IsoDate, request: Request, conn: ConnDep, principal: PrincipalDep):
    day: date = on
    inputs = service.day_inputs(conn, principal, rep_id, day)
    etag = service.day_etag(conn, inputs)
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    body = service.rep_day(conn, principal, rep_id, day, inputs)
    # Compact JSON: no nulls, no spaces; the phone keeps the ETag and asks again with If-None-Match.
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True),
        headers={"ETag": etag, "Cache-Control": "private, no-cache"},
    )
