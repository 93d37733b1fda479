"""Offline sync endpoint."""

from typing import Annotated

from fastapi import APIRouter

from services.visits.sync import service
from services.visits.sync.schemas import SyncIn, SyncOut
from shared.http.calls import Call, respond, unit_of_work
from shared.identity import Role

router = APIRouter(tags=["offline sync"])
RepWriting = Annotated[Call, unit_of_work(write=True, roles=(Role.rep,))]


# On the lean path (`shared.http.calls`): a phone's whole batch is one unit of work, without a thread hop.
@router.post(
    "/sync",
    response_model=SyncOut,
    summary="Apply a phone's offline operations once each, in order; a result per item (server plan wins conflicts)",
)
async def sync(body: SyncIn, call: RepWriting):
    return respond(await call.run(service.sync, call.principal, body))
