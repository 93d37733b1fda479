"""RFC 9457 problem responses for every error, in one place."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.types import Scope

from shared.errors import DomainError

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    field: str | None = Field(None, examples=["body.name"])
    reason: str = Field(examples=["String should have at least 1 character"])


class Problem(BaseModel):
    type: str = Field("about:blank", examples=["about:blank"])
    title: str = Field(examples=["Invalid input"])
    status: int = Field(examples=[422])
    detail: str | None = Field(None, examples=["body.name: String should have at least 1 character"])
    instance: str | None = Field(None, examples=["/org-units"])
    errors: list[FieldError] = Field(default_factory=list)


def _content(description: str) -> dict[str, Any]:
    return {"description": description, "model": Problem, "content": {MEDIA_TYPE: {}}}


# Documented on every router so clients (and schema fuzzers) know each error's shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _content("The request does not match the documented schema; `errors` names each field"),
    401: _content("Missing or invalid bearer token"),
    403: _content("Role not allowed"),
    404: _content("Not found, or outside the caller's scope"),
    409: _content("Conflict: duplicate or stale"),
    413: _content("The request body is larger than the endpoint's limit"),
    422: _content("Well-formed, but a business rule refuses it; `errors` names the field"),
    429: _content("Too many requests from this caller; retry after `Retry-After` seconds"),
    503: _content("The database is unavailable; retry after `Retry-After` seconds"),
}
# SQLSTATEs meaning "another transaction got in the way": the client may simply retry.
_CONFLICT_STATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def problem(
    request: Request,
    status: int,
    title: str,
    detail: str | None,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return problem_response(request.scope, status, title, detail, errors, headers)


def problem_response(
    scope: Scope,
    status: int,
    title: str,
    detail: str | None,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A problem document for a request known only by its ASGI scope (middleware)."""
    body = Problem(title=title, status=status, detail=detail, instance=scope.get("path"), errors=errors or [])
    return JSONResponse(body.model_dump(), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _allowed_methods(request: Request) -> list[str]:
    """Starlette's 405 names only the first route matching the path; list the methods the API documents."""
    path = request.url.path
    return sorted(
        {
            method.upper()
            for template, operations in request.app.openapi()["paths"].items()
            if re.fullmatch(re.sub(r"\{[^/]+\}", "[^/]+", template), path)
            for method in operations
        }
    )


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        headers = dict(getattr(exc, "headers", None) or {})  # e.g. Retry-After of a 429
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return problem(request, exc.status, exc.title, exc.detail, exc.errors, headers or None)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _location(e["loc"]), "reason": e["msg"]} for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
        return problem(request, 400, "Invalid request", detail, errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {"Allow": ", ".join(_allowed_methods(request))}
        return problem(
            request, exc.status_code, exc.detail if isinstance(exc.detail, str) else "Error", None, headers=headers
        )

    @app.exception_handler(DataError)
    async def data_error(request: Request, exc: DataError) -> JSONResponse:
        # Well-formed input PostgreSQL cannot store (e.g. a NUL character in text); the transaction rolled back.
        # PostgreSQL's own words name internals (types, functions): they go to the log, not to the client.
        log.debug("value refused by the database: %s", exc.orig)
        return problem(
            request,
            422,
            "Value cannot be stored",
            "a value in the request cannot be stored (for example a NUL character in text, or a number out of range)",
        )

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, exc: IntegrityError) -> JSONResponse:
        # A concurrent request won a uniqueness race the service had checked for, or a constraint checked at
        # COMMIT refused the transaction: nothing was stored either way.
        log.debug("integrity error: %s", exc.orig)
        return problem(request, 409, "Conflict", "a concurrent request wrote the same record; retry")

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: DBAPIError) -> JSONResponse:
        # Anything else the database raised, including at COMMIT. A serialization failure or deadlock is a
        # conflict the client may retry; a lost or refused connection means the database went away.
        state = getattr(exc.orig, "sqlstate", None)
        if state in _CONFLICT_STATES:
            log.debug("transaction conflict %s: %s", state, exc.orig)
            return problem(request, 409, "Conflict", "a concurrent request changed the same records; retry")
        if exc.connection_invalidated or state is None or state[:2] in {"08", "57"}:
            log.warning("database unavailable: %s", exc.orig)
            return _unavailable(request)
        raise exc  # a bug (bad SQL, a missing table): the middleware logs it and answers 500

    @app.exception_handler(PoolTimeout)
    async def pool_exhausted(request: Request, exc: PoolTimeout) -> JSONResponse:
        log.warning("no database connection free: %s", exc)
        return _unavailable(request)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Reached only by a failure in the service middleware itself, which answers every other one.
        from shared.http.middleware import ERRORS
        from shared.logs import CORRELATION_HEADER, correlation_id, new_correlation_id

        log.exception("unhandled error outside the service middleware")
        ERRORS.labels(getattr(request.app.state, "service", "unknown"), "middleware").inc()
        return problem(
            request,
            500,
            "Internal server error",
            "The error was logged with its correlation id.",
            headers={CORRELATION_HEADER: correlation_id.get() or new_correlation_id()},
        )


def _unavailable(request: Request) -> JSONResponse:
    return problem(
        request, 503, "Service unavailable", "the database is unavailable; retry shortly", headers={"Retry-After": "1"}
    )
