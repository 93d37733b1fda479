"""503 + Retry-After for references still travelling between services (shared.errors.NotYetKnown)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shared.errors import NotYetKnown
from shared.http.problems import MEDIA_TYPE, Problem, problem

# For the `responses=` of an endpoint that may name something this service has not received yet.
NOT_YET_KNOWN_RESPONSE: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "A referenced org unit is not known here yet (still travelling from targets): retry after "
        "`Retry-After` seconds; told only to callers who would see it once it arrives",
        "model": Problem,
        "content": {MEDIA_TYPE: {}},
        "headers": {"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}},
    }
}


def install_not_yet_known_handler(app: FastAPI) -> None:
    """Answer NotYetKnown as a problem document with Retry-After (the general handler knows no headers)."""

    async def not_yet_known(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, NotYetKnown)
        headers = {"Retry-After": str(exc.retry_after_seconds)}
        return problem(request, exc.status, exc.title, exc.detail, exc.errors, headers)

    app.add_exception_handler(NotYetKnown, not_yet_known)
