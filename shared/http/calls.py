"""The lean request path: one async dependency gives an endpoint its verified caller and its unit of work, and the
endpoint runs its use case on the event loop. No worker-thread hop anywhere on the way.

The thread-pool path (`ConnDep` + `PrincipalDep` + `require_role`, sync endpoints) costs a request three
dependencies and two or three hops to worker threads; under load the hops alone (waking a thread, handing the GIL
back and forth) were a third of the process's time. Here:

- `Reading` / `Writing` (or `unit_of_work(write=…, roles=…)` for role-checked routes) is ONE dependency: bearer
  token → principal (cached verification, rate limit, role check) → a `Call`.
- `await call.run(use_case, …)` runs the service's ordinary sync function (it takes a `Connection`, as on the
  thread-pool path) in a greenlet on a `LeanConnection` (`shared.http.lean_db`: psycopg's AsyncConnection, each
  Core statement compiled once per shape): checkout, each statement, COMMIT and checkin are awaits on the event
  loop. So a route moves to this path without touching its service code.
- A `Writing` run commits before it returns, so before the endpoint has a response at all; it rolls back when
  the use case raises, and a failed COMMIT raises into the problem handlers (409/503), never a 2xx. A `Reading`
  run is in autocommit: each statement is its own (no BEGIN/COMMIT round trips, nothing left to commit). A read
  use case must not write: a write belongs on POST/PATCH/PUT/DELETE, i.e. `Writing`.
- `respond(model)` serialises the endpoint's pydantic model once, in pydantic's Rust serializer; returned as a
  model, FastAPI would validate it again against `response_model` before serialising it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Concatenate, ParamSpec, TypeVar

import anyio
import psycopg
import pydantic_core
from fastapi import Depends, Request
from fastapi.security import HTTPBearer
from psycopg.pq import TransactionStatus
from pydantic import BaseModel
from sqlalchemy import Table
from sqlalchemy.util import greenlet_spawn
from starlette.responses import JSONResponse, Response

from shared.auth import BEARER, authenticate, ensure_role
from shared.http.idempotency import fingerprint, run_once
from shared.http.lean_db import LeanConnection, LeanPool
from shared.identity import Principal, Role

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Call:
    """An endpoint's verified caller, and the pool its unit of work runs on."""

    principal: Principal
    pool: LeanPool
    write: bool

    async def run(self, use_case: Callable[Concatenate[Any, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`use_case(connection, *args, **kwargs)` as ONE unit of work, on the event loop (no thread): the use case
        runs in a greenlet on a `LeanConnection`, each statement an await. A write is BEGIN … COMMIT (ROLLBACK if
        the use case raises) and has committed when this returns, so before the endpoint has a response; a COMMIT
        the database refuses raises here, into the problem handlers (409/503). A read runs in autocommit. One `run`
        per request: a second is a second transaction."""
        driver = await self.pool.acquire()
        try:
            conn = LeanConnection(driver)
            if self.write:
                await conn.command("BEGIN")
            result: T = await greenlet_spawn(partial(use_case, conn, *args, **kwargs))
            if self.write:
                await conn.command("COMMIT")
            return result
        except BaseException:
            if driver.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR):
                with anyio.CancelScope(shield=True), contextlib.suppress(psycopg.Error):
                    await driver.execute(b"ROLLBACK")  # failing, the connection is discarded below
            raise
        finally:
            with anyio.CancelScope(shield=True):  # a cancelled request still gives its connection back
                await self.pool.release(driver)

    async def create_once(
        self,
        request: Request,
        keys: Table,
        key: str | None,
        payload: BaseModel,
        use_case: Callable[Concatenate[Any, P], BaseModel],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> Response:
        """A create answered 201, run once per `Idempotency-Key` (`shared.http.idempotency`): a retry with the same
        key gets the stored first answer."""
        if key is None:
            return respond(await self.run(use_case, *args, **kwargs), 201)
        request_hash = fingerprint(request.method, request.url.path, payload.model_dump(mode="json"))

        def once(conn: Any) -> tuple[int, Any]:
            create = lambda: use_case(conn, *args, **kwargs).model_dump(mode="json")  # noqa: E731
            return run_once(
                conn, keys, principal=self.principal.subject, key=key, request_hash=request_hash, create=create
            )

        status, body = await self.run(once)
        return JSONResponse(body, status_code=status)


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
        return Call(principal, request.app.state.lean_pool, self.write)


def unit_of_work(*, write: bool, roles: Iterable[Role] = ()) -> Any:  # FastAPI's Depends() is typed Any
    return Depends(UnitOfWork(write=write, roles=roles))


Reading = Annotated[Call, unit_of_work(write=False)]
Writing = Annotated[Call, unit_of_work(write=True)]


def respond(value: BaseModel | Sequence[BaseModel], status_code: int = 200) -> Response:
    """`value` as the JSON body, serialised once (see the module's docstring)."""
    return Response(pydantic_core.to_json(value), status_code=status_code, media_type="application/json")
