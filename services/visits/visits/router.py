"""Visit execution endpoints: check in, steps, check out, or the whole visit in one call."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.visits import db
from services.visits.visits import service, submission
from services.visits.visits.completion import complete_visit
from services.visits.visits.schemas import CheckOut, Step, StepOut, VisitOut, VisitStart, VisitSubmission
from shared.auth import PrincipalDep, require_role
from shared.db import utcnow
from shared.http.app import ConnDep, idempotent_create
from shared.http.calls import Call, respond, unit_of_work
from shared.http.idempotency import IdempotencyKey
from shared.identity import Role

router = APIRouter(prefix="/visits", tags=["visits"])
# Its own path, not /visits/check-ins: that would shadow GET /visits/{visit_id} for other methods.
check_ins = APIRouter(tags=["visits"])
RECORDS = [require_role(Role.rep)]
RepWriting = Annotated[Call, unit_of_work(write=True, roles=(Role.rep,))]


# The hot route runs on the lean path (`shared.http.calls`): one dependency, no thread hop.
@router.post(
    "",
    status_code=201,
    response_model=VisitOut,
    summary="Record a completed visit in one call: check-in, steps and check-out (retries return the first result)",
)
async def submit_visit(body: VisitSubmission, call: RepWriting):
    return respond(await call.run(submission.submit_visit, call.principal, body, now=utcnow()), 201)


@check_ins.post(
    "/check-ins",
    status_code=201,
    response_model=VisitOut,
    summary="Check in at an outlet with the device's position, datum, accuracy and time",
    dependencies=RECORDS,
)
def check_in(body: VisitStart, conn: ConnDep, principal: PrincipalDep):
    return submission.check_in(conn, principal, body, now=utcnow())


@router.post(
    "/{visit_id}/steps",
    status_code=201,
    response_model=StepOut,
    summary="Record a step of an open visit: stock check, display, prices, competitors, materials, order, feedback",
    dependencies=RECORDS,
)
def record_step(
    visit_id: uuid.UUID,
    body: Step,
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
        lambda: service.record_step(conn, principal, visit_id, body),
    )


@router.post(
    "/{visit_id}/check-out",
    response_model=VisitOut,
    summary="Check out: duration, hours, steps and the authenticity score are recorded and the visit published",
    dependencies=RECORDS,
)
def check_out(visit_id: uuid.UUID, body: CheckOut, conn: ConnDep, principal: PrincipalDep):
    return complete_visit(conn, principal, visit_id, body, now=utcnow())


@router.get("/{visit_id}", response_model=VisitOut, summary="One visit with its steps, checks and score")
def get_visit(visit_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.get_visit(conn, principal, visit_id)


@router.get("", response_model=list[VisitOut], summary="Visits the caller may see, newest first")
def list_visits(
    conn: ConnDep,
    principal: PrincipalDep,
    rep_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    return service.list_visits(conn, principal, rep_id=rep_id, limit=limit, offset=offset)
