"""RFC 9457 problem responses for every error, in one place."""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException

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


def _content(description: str) -> dict:
    return {"description": description, "model": Problem, "content": {MEDIA_TYPE: {}}}


# Documented on every router so clients (and schema fuzzers) know each error's shape.
PROBLEM_RESPONSES: dict[int | str, dict] = {
    400: _content("The request does not match the documented schema; `errors` names each field"),
    401: _content("Missing or invalid bearer token"),
    403: _content("Role not allowed"),
    404: _content("Not found, or outside the caller's scope"),
    409: _content("Conflict: duplicate or stale"),
    422: _content("Well-formed, but a business rule refuses it; `errors` names the field"),
}


def problem(
    request: Request,
    status: int,
    title: str,
    detail: str | None,
    errors: list[dict] | None = None,
    headers: dict | None = None,
) -> JSONResponse:
    body = Problem(title=title, status=status, detail=detail, instance=request.url.path, errors=errors or [])
    return JSONResponse(body.model_dump(), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _location(loc: tuple) -> str:
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
    async def domain_error(request: Request, exc: DomainError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem(request, exc.status, exc.title, exc.detail, exc.errors, headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errors = [{"field": _location(e["loc"]), "reason": e["msg"]} for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
        return problem(request, 400, "Invalid request", detail, errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {"Allow": ", ".join(_allowed_methods(request))}
        return problem(
            request, exc.status_code, exc.detail if isinstance(exc.detail, str) else "Error", None, headers=headers
        )

    @app.exception_handler(DataError)
    async def data_error(request: Request, exc: DataError):
        # Well-formed input PostgreSQL cannot store (e.g. a NUL character in text); the transaction rolled back.
        reason = str(exc.orig).splitlines()[0] if exc.orig else "value cannot be stored"
        return problem(request, 422, "Value cannot be stored", reason)

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, exc: IntegrityError):
        # Reached only when a concurrent request won a uniqueness race the service had checked for.
        return problem(request, 409, "Conflict", "a concurrent request wrote the same record; retry")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unhandled error")
        return problem(request, 500, "Internal server error", "The error was logged with its correlation id.")
