"""Photo endpoints: upload the bytes first, then name their hash in a visit's display step."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool

from services.visits.photos import service
from services.visits.photos.schemas import PhotoOut
from services.visits.photos.store import default_store
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep
from shared.identity import Role

router = APIRouter(prefix="/photos", tags=["photos"])
STORE = default_store()


@router.post(
    "",
    status_code=201,
    response_model=PhotoOut,
    summary="Upload a photo (JPEG, PNG or WebP bytes as the body); stored by its SHA-256",
    dependencies=[require_role(Role.rep, Role.supervisor, Role.region_manager, Role.director)],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def upload_photo(request: Request, conn: ConnDep, principal: PrincipalDep):
    data = await request.body()
    return await run_in_threadpool(service.store_photo, conn, STORE, data)  # hashing and SQL off the loop


@router.get("/{content_hash}", response_model=PhotoOut, summary="A photo's metadata by its content hash")
def get_photo(content_hash: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")], conn: ConnDep, principal: PrincipalDep):
    return service.get_photo(conn, content_hash)
