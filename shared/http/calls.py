"""The lean request path: one async dependency gives an endpoint its verified caller and its unit of work, and the
endpoint runs its use case on the event loop. No worker-thread hop anywhere on the way.

The thread-pool path (`ConnDep` + `PrincipalDep` + `require_role`, sync endpoints) costs a request three
dependencies and two or three hops to worker threads; under load the hops alone (waking a thread, handing the GIL
back and forth) were a third of the process's time. Here:

- `Reading` / `Writing` (or `unit_of_work(write=…, roles=…)` for role-checked routes) is ONE dependency: bearer
  token → principal (cached verification, rate limit, role check) → a `Call`.
- `await call.run(use_case, …)` runs the service's ordinary sync function (it takes a `Connection`, as on the
  thread-pool path) on the async engine (`postgresql+psycopg`, psycopg's AsyncConnection) inside SQLAlchemy's
  greenlet bridge: checkout, each statement, COMMIT and checkin are awaits on the event loop. So a route moves to
  this path without touching its service code.
- A `Writing` run commits before it returns, so before the endpoint has a response at all; it rolls back when
  the use case raises, and a failed COMMIT raises into the problem handlers (409/503), never a 2xx. A `Reading`
  run is in autocommit: each statement is its own (no BEGIN/COMMIT round trips, nothing left to commit). A read
  use case must not write: a write belongs on POST/PATCH/PUT/DELETE, i.e. `Writing`.
- `respond(model)` serialises the endpoint's pydantic model once, in pydantic's Rust serializer; returned as a
  model, FastAPI would validate it again against `response_model` before serialising it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Concatenate, ParamSpec, TypeVar

import pydantic_core
from fastapi import Depends, Request
from fastapi.security import HTTPBearer
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, Table
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.util import greenlet_spawn
from starlette.responses import JSONResponse, Response

from shared.auth import BEARER, authenticate, ensure_role
from shared.http.idempotency import fingerprint, run_once
from shared.identity import Principal, Role

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Call:
    """An endpoint's verified caller, and the engine its unit of work runs on."""

    principal: Principal
    engine: AsyncEngine  # the async engine (writes) or its autocommit view (reads)
    write: bool

    async def run(self, use_case: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`use_case(connection, *args, **kwargs)` as ONE unit of work, on the event loop (no thread): checkout,
        statements, COMMIT (writes; ROLLBACK if it raises) and checkin all in one greenlet, each I/O an await.
        It has committed when this returns, so before the endpoint's response exists; a COMMIT the database
        refuses raises here, into the problem handlers (409/503). One `run` per request: a second is a second
        transaction."""
        return await greenlet_spawn(_unit_of_work, self.engine.sync_engine, self.write, use_case, args, kwargs)

    async def create_once(
        self,
        request: Request,
        keys: Table,
        key: str | None,
        payload: BaseModel,
        use_case: Callable[Concatenate[Connection, P], BaseModel],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> Response:
        """A create answered 201, run once per `Idempotency-Key` (`shared.http.idempotency`): a retry with the same
        key gets the stored first answer."""
        if key is None:
            return respond(await self.run(use_case, *args, **kwargs), 201)
        request_hash = fingerprint(request.method, request.url.path, payload.model_dump(mode="json"))

        def once(conn: Connection) -> tuple[int, Any]:
            create = lambda: use_case(conn, *args, **kwargs).model_dump(mode="json")  # noqa: E731
            return run_once(
                conn, keys, principal=self.principal.subject, key=key, request_hash=request_hash, create=create
            )

        status, body = await self.run(once)
        return JSONResponse(body, status_code=status)


def _unit_of_work(
    engine: Engine, write: bool, use_case: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> T:
    if write:
        with engine.begin() as conn:  # COMMIT on return, ROLLBACK on raise
            return use_case(conn, *args, **kwargs)
    with engine.connect() as conn:  # autocommit: every statement is its own
        return use_case(conn, *args, **kwargs)


def make_async_engine(url: Any, *, pool_size: int, max_overflow: int) -> AsyncEngine:
    """The lean path's engine: up to `pool_size + max_overflow` connections, all kept once opened. With overflow
    connections, returns that find the asyncio queue full (waiters have not run yet to take theirs) would close
    them, and under load every request would then open a new PostgreSQL connection (a fork) instead of reusing
    one. No pre-ping (a round trip per request): a dead connection fails its request with a 503 + Retry-After,
    and the pool then discards every older connection."""
    return create_async_engine(url, pool_size=pool_size + max_overflow, max_overflow=0, pool_pre_ping=False)


class UnitOfWork(HTTPBearer):
    """The dependency of a lean endpoint: its `Call`, with only `roles` (and admin) admitted when given.

    An `HTTPBearer` itself, so the one dependency is also the bearer scheme in the OpenAPI document, and FastAPI
    solves one dependency per request instead of a chain (token, principal, role, connection)."""

    def __init__(self, *, write: bool, roles: Iterable[Role] = ()) -> None:
        super().__init__(auto_error=False, scheme_name="HTTPBearer", description=BEARER.model.description)
        self.write = write
        self.allowed = frozenset(roles) | {Role.admin} if roles else None

    async def __call__(self, request: Request) -> Call:  # type: ignore[override]  # a Call, not the credentials
        credentials = await super().__call__(request)
        principal = await authenticate(request, credentials.credentials if credentials else None)
        if self.allowed is not None:
            ensure_role(principal, self.allowed)
        state = request.app.state
        return Call(principal, state.async_engine if self.write else state.async_reader, self.write)


def unit_of_work(*, write: bool, roles: Iterable[Role] = ()) -> Any:  # FastAPI's Depends() is typed Any
    return Depends(UnitOfWork(write=write, roles=roles))


Reading = Annotated[Call, unit_of_work(write=False)]
Writing = Annotated[Call, unit_of_work(write=True)]


def respond(value: BaseModel | Sequence[BaseModel], status_code: int = 200) -> Response:
    """`value` as the JSON body, serialised once (see the module's docstring)."""
    return Response(pydantic_core.to_json(value), status_code=status_code, media_type="application/json")


def use_async_engine(state: Any, engine: AsyncEngine) -> None:
    """Store the engine and its autocommit view (one pool) where `unit_of_work` finds them."""
    state.async_engine = engine
    state.async_reader = engine.execution_options(isolation_level="AUTOCOMMIT")
