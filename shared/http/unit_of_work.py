"""One database transaction per request, committed or rolled back BEFORE the response leaves.

`ConnDep` is a FastAPI dependency with `scope="function"` (FastAPI >= 0.121): its code after `yield` runs when the
endpoint has returned and its result has been serialised into a response, but before that response is sent. So a
2xx is only ever sent for a committed transaction, and a COMMIT that fails (a deferred constraint, a serialization
failure, the database going away) raises into the problem handlers like any other error: 409 or 503, never 2xx.
With the default request scope the commit would run after the response had been sent.

The dependency is `async` and does its blocking work (opening a connection, COMMIT/ROLLBACK) in the thread pool
behind a semaphore sized to the connection pool. Without it, more requests than pooled connections would occupy every
worker thread waiting for a connection, while the requests holding connections wait for a thread to commit
and give theirs back: a deadlock until the pool's timeout.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, Request
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool


def connection_slots(engine: Engine) -> anyio.Semaphore:
    """As many concurrent units of work as the pool has connections (pool_size + max_overflow)."""
    pool = engine.pool
    size = getattr(pool, "size", lambda: 5)() + max(getattr(pool, "_max_overflow", 0), 0)
    return anyio.Semaphore(size)


def _begin(engine: Engine) -> Connection:
    conn = engine.connect()
    conn.begin()
    return conn


def _idle_connections(engine: Engine) -> int:
    checkedin = getattr(engine.pool, "checkedin", None)
    return checkedin() if checkedin and not getattr(engine.pool, "_pre_ping", False) else 0


def _finish(conn: Connection, commit: bool) -> None:
    try:
        if commit:
            conn.commit()
        else:
            conn.rollback()
    finally:
        conn.close()


async def transaction(request: Request) -> AsyncIterator[Connection]:
    """The request's unit of work: committed when the endpoint returns, rolled back when it raises."""
    state = request.app.state
    async with state.connection_slots:
        engine = state.engine
        # An idle pooled connection is handed out without I/O (API engines do not pre-ping, and psycopg sends BEGIN
        # with the first query), so it is taken right here, saving a thread hop; opening a new one is I/O: a thread.
        conn = _begin(engine) if _idle_connections(engine) else await run_in_threadpool(_begin, engine)
        try:
            yield conn
        except BaseException:
            with anyio.CancelScope(shield=True):  # a cancelled request still gives its connection back
                await run_in_threadpool(_finish, conn, False)
            raise
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(_finish, conn, True)


ConnDep = Annotated[Connection, Depends(transaction, scope="function")]
