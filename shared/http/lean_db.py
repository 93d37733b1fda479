"""The lean HTTP path's database access: psycopg's AsyncConnection, driven by ordinary sync use-case code.

Use cases take a `Connection` and call `execute` / `scalar` / `scalars` with SQLAlchemy Core statements. On the lean
path they get a `LeanConnection` instead: the same calls, each statement compiled once per shape (SQLAlchemy's own
cache key and compiler) and sent by psycopg's AsyncConnection; the use case runs in a greenlet, so every round trip
is an await on the event loop (`sqlalchemy.util.await_only`). Measured on one indexed SELECT: psycopg alone costs
~55 us of CPU, through SQLAlchemy's async engine ~250 us; most of a lean read's CPU was there.

What it supports is what the converted use cases need: statements with bound parameters (expanding IN lists
included), executemany with a list of parameter sets, SQL text with psycopg's own placeholders
(`exec_driver_sql`), savepoints (`begin_nested`), rows with attribute access (psycopg's namedtuple rows), and
values in psycopg's own types (uuid, datetime, Decimal, str for ltree and enums, dict for json). psycopg's errors
are raised as SQLAlchemy's (`DBAPIError.instance`), so the problem handlers answer 409/422/503 as for the engine.

`LeanPool` keeps up to `size` connections (autocommit, no background task, so it works from any event loop);
a connection found broken is closed with every idle one (they are likely as dead), like SQLAlchemy's pool.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.rows import namedtuple_row
from sqlalchemy import make_url
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import await_only

log = logging.getLogger(__name__)
_DIALECT = PGDialect_psycopg()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves its dialects' __init__ untyped
_COMPILED: dict[Any, SQLCompiler] = {}  # statement shape -> compiled; shapes are few (one per query in the code)
_MAX_SHAPES = 2000


def _compiled(statement: ClauseElement, parameters: Mapping[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """SQL text and parameters of a Core statement, compiled once per shape."""
    cache_key = statement._generate_cache_key()
    column_keys = sorted(parameters) if parameters else None  # an INSERT/UPDATE given values renders those columns
    shape = (cache_key.key, tuple(column_keys or ())) if cache_key is not None else None
    compiled = _COMPILED.get(shape) if shape is not None else None
    if compiled is None:
        made = statement.compile(dialect=_DIALECT, cache_key=cache_key, column_keys=column_keys)
        assert isinstance(made, SQLCompiler), "Core statements compile to SQL"
        compiled = made
        if shape is not None:
            if len(_COMPILED) >= _MAX_SHAPES:
                _COMPILED.clear()
            _COMPILED[shape] = compiled
    params = dict(
        compiled.construct_params(
            params=dict(parameters) if parameters else None,
            extracted_parameters=cache_key.bindparams if cache_key is not None else None,
            escape_names=False,
        )
    )
    sql = compiled.string
    if compiled.literal_execute_params or compiled.post_compile_params:
        expanded = compiled._process_parameters_for_postcompile(params)
        sql, params = expanded.statement, dict(expanded.parameters)
    for name, process in compiled._bind_processors.items():
        if name in params and callable(process):
            params[name] = process(params[name])
    return sql, params


def _translated(exc: psycopg.Error, sql: str, params: Any, driver: psycopg.AsyncConnection[Any]) -> Exception:
    """psycopg's error as SQLAlchemy's (IntegrityError, OperationalError, …), as the engine would raise it."""
    return DBAPIError.instance(sql, params, exc, psycopg.Error, connection_invalidated=driver.closed)


class LeanResult:
    """The rows of one statement, fetched: the part of SQLAlchemy's Result the use cases call."""

    def __init__(self, rows: list[Any], rowcount: int):
        self._rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def all(self) -> list[Any]:
        return self._rows

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def one_or_none(self) -> Any:
        if len(self._rows) > 1:
            raise MultipleResultsFound("more than one row where at most one was expected")
        return self.first()

    def one(self) -> Any:
        if not self._rows:
            raise NoResultFound("no row where exactly one was expected")
        return self.one_or_none()

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalars(self) -> LeanResult:
        return LeanResult([row[0] for row in self._rows], self.rowcount)


class LeanConnection:
    """A `Connection` for use cases run by `Call.run`: statements go to psycopg's AsyncConnection via the greenlet."""

    def __init__(self, driver: psycopg.AsyncConnection[Any]):
        self.driver_connection = driver
        self._savepoints = itertools.count(1)
        # One cursor for the whole unit of work: a new cursor per statement (psycopg builds its adapters and
        # transformer anew) cost ~50 us of CPU, as much again as running a short prepared statement.
        self._cursor = driver.cursor(row_factory=namedtuple_row)

    @property
    def connection(self) -> LeanConnection:
        """As SQLAlchemy's `conn.connection.driver_connection` (used by COPY in `shared.bulk`)."""
        return self

    def execute(
        self, statement: ClauseElement, parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None
    ) -> LeanResult:
        if isinstance(parameters, Sequence):  # executemany: one statement shape, many parameter sets
            compiled = [_compiled(statement, p) for p in parameters]
            return await_only(self._execute_many(compiled[0][0], [p for _, p in compiled]))
        sql, params = _compiled(statement, parameters)
        return await_only(self._execute(sql, params))

    def exec_driver_sql(self, sql: str, parameters: Mapping[str, Any] | Sequence[Any] | None = None) -> LeanResult:
        """SQL text with psycopg's placeholders (`%(name)s` or `%s`), sent as it is (as the engine's method)."""
        return await_only(self._execute(sql, parameters))

    def fetch_together(self, statements: Sequence[Statement]) -> list[list[Any]]:
        """The rows of statements that do not depend on each other, in ONE round trip: psycopg's pipeline mode sends
        them all and waits once. Each round trip is two wake-ups (the backend's, then ours), and on a busy machine
        every wake-up waits for a core: a read's round trips are most of its latency under load."""
        return await_only(self._fetch_together([_compiled(statement, params) for statement, params in statements]))

    def begin_nested(self) -> Savepoint:
        """A savepoint in the running transaction; `commit()` releases it, `rollback()` undoes what followed it."""
        name = f"lean_sp_{next(self._savepoints)}"
        await_only(self.command(f"SAVEPOINT {name}"))
        return Savepoint(self, name)

    async def command(self, command: str) -> None:
        """BEGIN / COMMIT / SAVEPOINT …, with psycopg's errors raised as SQLAlchemy's."""
        await self._execute(command, None)

    def scalar(self, statement: ClauseElement, parameters: Mapping[str, Any] | None = None) -> Any:
        return self.execute(statement, parameters).scalar()

    def scalars(self, statement: ClauseElement, parameters: Mapping[str, Any] | None = None) -> LeanResult:
        return self.execute(statement, parameters).scalars()

    async def _execute(self, sql: str, params: Mapping[str, Any] | Sequence[Any] | None) -> LeanResult:
        cursor = self._cursor
        try:
            await cursor.execute(sql, params)
            # pgresult, not `description`: that builds a Column object per column (~20 us for a wide row)
            result = cursor.pgresult
            rows = await cursor.fetchall() if result is not None and result.nfields else []
            return LeanResult(rows, cursor.rowcount)
        except psycopg.Error as exc:
            raise _translated(exc, sql, params, self.driver_connection) from exc

    async def _fetch_together(self, compiled: list[tuple[str, dict[str, Any]]]) -> list[list[Any]]:
        driver = self.driver_connection
        cursors = [driver.cursor(row_factory=namedtuple_row) for _ in compiled]  # a cursor holds one result
        try:
            async with driver.pipeline():  # leaving it waits for every result
                for cursor, (sql, params) in zip(cursors, compiled, strict=True):
                    await cursor.execute(sql, params)
            return [await c.fetchall() if c.pgresult is not None and c.pgresult.nfields else [] for c in cursors]
        except psycopg.Error as exc:
            raise _translated(exc, ";\n".join(sql for sql, _ in compiled), None, driver) from exc

    async def _execute_many(self, sql: str, params: list[dict[str, Any]]) -> LeanResult:
        try:
            await self._cursor.executemany(sql, params)
            return LeanResult([], self._cursor.rowcount)
        except psycopg.Error as exc:
            raise _translated(exc, sql, params, self.driver_connection) from exc


Statement = tuple[ClauseElement, Mapping[str, Any]]


def fetch_together(conn: Any, *statements: Statement) -> list[list[Any]]:
    """The rows of statements that do not depend on each other: one round trip on the lean path
    (`LeanConnection.fetch_together`), one after another on an engine's `Connection`."""
    if isinstance(conn, LeanConnection):
        return conn.fetch_together(statements)
    return [conn.execute(statement, params).all() for statement, params in statements]


class Savepoint:
    """What `LeanConnection.begin_nested` returns: the part of SQLAlchemy's NestedTransaction the use cases call."""

    def __init__(self, conn: LeanConnection, name: str):
        self.conn, self.name = conn, name

    def commit(self) -> None:
        await_only(self.conn.command(f"RELEASE SAVEPOINT {self.name}"))

    def rollback(self) -> None:
        await_only(self.conn.command(f"ROLLBACK TO SAVEPOINT {self.name}"))


class LeanPool:
    """Up to `size` autocommit connections to `url` (a SQLAlchemy URL). A request beyond waits its turn, first come
    first served: a freed slot is handed to the oldest waiter, never to a newcomer (with asyncio's Semaphore,
    newcomers could take freed slots again and again, and a few requests waited seconds under load)."""

    def __init__(self, url: Any, size: int):
        self.conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._idle: deque[psycopg.AsyncConnection[Any]] = deque()
        self._free = size
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self) -> psycopg.AsyncConnection[Any]:
        if self._free > 0 and not self._waiters:
            self._free -= 1
        else:
            turn = asyncio.get_running_loop().create_future()
            self._waiters.append(turn)
            try:
                await turn  # resolved by `_hand_on` with a slot already ours
            except BaseException:
                if turn.done() and not turn.cancelled():
                    self._hand_on()  # given a slot, but cancelled before using it
                else:
                    self._waiters.remove(turn)
                raise
        try:
            while self._idle:
                driver = self._idle.pop()
                if not driver.closed:
                    return driver
            try:
                log.info("opening a database connection")
                return await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
            except psycopg.Error as exc:
                raise DBAPIError.instance("connect", None, exc, psycopg.Error, connection_invalidated=True) from exc
        except BaseException:
            self._hand_on()
            raise

    def _hand_on(self) -> None:
        """A slot is free: to the oldest waiter, else back to the count."""
        while self._waiters:
            turn = self._waiters.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self._free += 1

    async def release(self, driver: psycopg.AsyncConnection[Any]) -> None:
        try:
            if driver.closed or driver.info.transaction_status != TransactionStatus.IDLE:
                await self._discard(driver)
            else:
                self._idle.append(driver)
        finally:
            self._hand_on()

    async def _discard(self, driver: psycopg.AsyncConnection[Any]) -> None:
        lost = driver.closed or driver.info.transaction_status == TransactionStatus.UNKNOWN
        log.warning("database connection discarded (%s)", "lost" if lost else driver.info.transaction_status.name)
        stale = [driver, *self._idle] if lost else [driver]
        if lost:
            self._idle.clear()
        for each in stale:
            await each.close()

    async def close(self) -> None:
        while self._idle:
            await self._idle.pop().close()
