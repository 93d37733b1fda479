"""create_service_app(): the pieces every service's FastAPI app shares."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from prometheus_client import Counter, Histogram, make_asgi_app
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, Table, text

from shared.db import make_engine
from shared.http.idempotency import fingerprint, run_once
from shared.http.problems import PROBLEM_RESPONSES, install_problem_handlers
from shared.identity import Principal
from shared.kafka import broker_reachable
from shared.logs import correlation_id, new_correlation_id
from shared.settings import Settings, get_settings

REQUESTS = Histogram("salesops_http_request_seconds", "HTTP request latency", ["service", "method", "route", "status"])
ERRORS = Counter("salesops_http_errors_total", "HTTP 5xx answers", ["service", "route"])
CORRELATION_HEADER = "X-Correlation-ID"


class Health(BaseModel):
    status: str
    checks: dict[str, bool] = {}


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def transaction(request: Request) -> Iterator[Connection]:
    """One unit of work per request: committed when the route returns, rolled back when it raises."""
    with request.app.state.engine.begin() as conn:
        yield conn


ConnDep = Annotated[Connection, Depends(transaction)]


def idempotent_create(
    conn: Connection,
    request: Request,
    table: Table,
    principal: Principal,
    key: str | None,
    payload: BaseModel,
    create: Callable[[], BaseModel],
) -> JSONResponse:
    """Run a create once per Idempotency-Key and answer with the stored result on retries."""
    status, body = run_once(
        conn,
        table,
        principal=principal.subject,
        key=key,
        request_hash=fingerprint(request.method, request.url.path, payload.model_dump(mode="json")),
        create=lambda: create().model_dump(mode="json"),
    )
    return JSONResponse(body, status_code=status)


def _query_names(dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def reject_unknown_query_parameters(request: Request) -> None:
    """A misspelt (`?limt=5`) or repeated filter is an error, not silently ignored or half-used."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _query_names(route.dependant)
    errors = [
        {"loc": ("query", name), "msg": "unknown query parameter", "type": "unknown"}
        for name in sorted(set(request.query_params) - known)
    ]
    errors += [
        {"loc": ("query", name), "msg": "given more than once", "type": "repeated"}
        for name in sorted(known)
        if len(request.query_params.getlist(name)) > 1
    ]
    if errors:
        raise RequestValidationError(errors)


def create_service_app(
    *,
    service: str,
    title: str,
    description: str,
    routers: list[APIRouter],
    settings: Settings | None = None,
    engine: Engine | None = None,
    version: str = "1.0.0",
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.engine = engine or make_engine(settings.service_url(service))
        yield
        if engine is None:
            app.state.engine.dispose()

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        responses={401: PROBLEM_RESPONSES[401]},
        dependencies=[Depends(reject_unknown_query_parameters)],
    )
    app.state.settings = settings
    if engine is not None:
        app.state.engine = engine
    install_problem_handlers(app)

    @app.middleware("http")
    async def correlate_and_measure(request: Request, call_next):
        token = correlation_id.set(request.headers.get(CORRELATION_HEADER) or new_correlation_id())
        started = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            route = getattr(request.scope.get("route"), "path", "unmatched")
        response.headers[CORRELATION_HEADER] = correlation_id.get()
        REQUESTS.labels(service, request.method, route, response.status_code).observe(time.perf_counter() - started)
        if response.status_code >= 500:
            ERRORS.labels(service, route).inc()
        correlation_id.reset(token)
        return response

    @app.get("/healthz", tags=["health"], summary="Liveness: the process answers", response_model=Health)
    def healthz() -> Health:
        return Health(status="ok")

    @app.get(
        "/readyz",
        tags=["health"],
        summary="Readiness: database and broker reachable",
        response_model=Health,
        responses={503: {"model": Health, "description": "Not ready"}},
    )
    def readyz(request: Request):
        checks = {"database": _database_ok(request.app.state.engine), "broker": broker_reachable(settings)}
        ready = all(checks.values())
        body = Health(status="ready" if ready else "unavailable", checks=checks)
        return JSONResponse(body.model_dump(), status_code=200 if ready else 503)

    for router in routers:
        app.include_router(router, responses=PROBLEM_RESPONSES)
    app.mount("/metrics", make_asgi_app())
    return app


def _database_ok(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure means "not ready"; the reason is in the database's own log
        return False
