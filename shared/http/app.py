"""create_service_app(): the pieces every service's FastAPI app shares."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, Table, text
from starlette.responses import Response

from shared.db import make_engine
from shared.http.idempotency import fingerprint, run_once
from shared.http.lean_db import LeanPool
from shared.http.middleware import ERRORS, REQUESTS, ServiceMiddleware
from shared.http.problems import PROBLEM_RESPONSES, install_problem_handlers
from shared.http.rate_limit import RateLimiter
from shared.http.unit_of_work import ConnDep, connection_slots, transaction
from shared.identity import Principal
from shared.kafka import broker_reachable
from shared.logs import CORRELATION_HEADER
from shared.settings import Settings, get_settings

__all__ = ["CORRELATION_HEADER", "ERRORS", "REQUESTS", "ConnDep", "EngineDep", "transaction", "create_service_app"]
LIMITS = """

**Limits.** Request bodies: {body} MiB (file imports: {upload} MiB), else 413. Requests per caller: {rate:g}/s
with bursts of {burst} per API process, else 429 with `Retry-After`. `X-Correlation-ID`: up to 64 characters of
`A-Z a-z 0-9 . _ -`, else a fresh id is used."""


class Health(BaseModel):
    status: str
    checks: dict[str, bool] = {}


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


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


def _query_names(dependant: Dependant) -> frozenset[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return frozenset(names)


def _known_query_names(route: APIRoute) -> frozenset[str]:
    """Computed once per route (its dependant tree never changes once the app is built)."""
    known = route.__dict__.get("_salesops_query_names")
    if known is None:
        known = route._salesops_query_names = _query_names(route.dependant)  # type: ignore[attr-defined]
    return known


async def reject_unknown_query_parameters(request: Request) -> None:
    """A misspelt (`?limt=5`) or repeated filter is an error, not silently ignored or half-used.
    Async and I/O-free, so it runs on the event loop without a thread hop."""
    if not request.scope.get("query_string"):
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _known_query_names(route)
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
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if engine is None:
            # No pre-ping: it is one more round trip on every request. A connection found dead instead fails its
            # request with a 503 + Retry-After, and SQLAlchemy then discards every older pooled connection.
            pool = {"pool_size": settings.db_pool_size, "max_overflow": settings.db_max_overflow}
            use_engine(app, make_engine(settings.service_url(service), pool_pre_ping=False, **pool))
        yield
        await app.state.lean_pool.close()
        if engine is None:
            app.state.engine.dispose()

    # FastAPIOffline: /docs and /redoc load Swagger UI and ReDoc from this server, not from a CDN.
    app = FastAPIOffline(
        title=title,
        description=description
        + LIMITS.format(
            body=settings.http_max_body_bytes // 2**20,
            upload=settings.http_max_upload_bytes // 2**20,
            rate=settings.http_rate_per_second,
            burst=settings.http_rate_burst,
        ),
        version=version,
        lifespan=lifespan,
        responses={401: PROBLEM_RESPONSES[401], 413: PROBLEM_RESPONSES[413], 429: PROBLEM_RESPONSES[429]},
        dependencies=[Depends(reject_unknown_query_parameters)],
    )
    app.state.settings = settings
    app.state.service = service
    app.state.rate_limiter = RateLimiter(settings.http_rate_per_second, settings.http_rate_burst)
    if engine is not None:
        use_engine(app, engine)
    install_problem_handlers(app)
    app.add_middleware(
        ServiceMiddleware,
        service=service,
        max_body_bytes=settings.http_max_body_bytes,
        max_upload_bytes=settings.http_max_upload_bytes,
    )

    @app.get("/healthz", tags=["health"], summary="Liveness: the process answers", response_model=Health)
    async def healthz() -> Health:
        return Health(status="ok")

    @app.get(
        "/readyz",
        tags=["health"],
        summary="Readiness: database and broker reachable",
        response_model=Health,
        responses={503: {"model": Health, "description": "Not ready"}},
    )
    def readyz(request: Request) -> JSONResponse:
        checks = {"database": _database_ok(request.app.state.engine), "broker": broker_reachable(settings)}
        ready = all(checks.values())
        body = Health(status="ready" if ready else "unavailable", checks=checks)
        return JSONResponse(body.model_dump(), status_code=200 if ready else 503)

    for router in routers:
        app.include_router(router, responses=PROBLEM_RESPONSES)
    # Both spellings answer directly: a mount would redirect /metrics to /metrics/.
    app.add_route("/metrics", metrics, include_in_schema=False)
    app.add_route("/metrics/", metrics, include_in_schema=False)
    return app


def use_engine(app: FastAPI, engine: Engine) -> None:
    """The thread-pool path's engine, and the lean path's pool (`shared.http.calls`) on the same database with as
    many connections; each opens connections only when its routes are called."""
    app.state.engine = engine
    app.state.connection_slots = connection_slots(engine)
    pool = engine.pool
    size = getattr(pool, "size", lambda: 5)() + max(getattr(pool, "_max_overflow", 0), 0)
    app.state.lean_pool = LeanPool(engine.url, size)


async def metrics(request: Request) -> Response:
    """Prometheus exposition of this process's registry."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def _database_ok(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure means "not ready"; the reason is in the database's own log
        return False
