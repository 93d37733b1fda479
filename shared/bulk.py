"""Set-based writes for batch handlers: COPY rows into a table inside the caller's transaction."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import psycopg
from sqlalchemy import Connection, CursorResult, Table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.util import await_only

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

# What a COPY sends: rows that psycopg adapts value by value, or text already in COPY's format.
Payload = Iterable[Sequence[Any]] | str


def copy_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows with one COPY (no parameter limit, one round trip); every row has the same keys."""
    if rows:
        columns = list(rows[0])
        _copy(conn, table, columns, ([row[c] for c in columns] for row in rows))


def copy_text(conn: Connection, table: Table, columns: Sequence[str], lines: list[str]) -> None:
    """Insert rows already written as COPY text (tab-separated, `\\N` for null, each ending in a newline; text
    escaped by `copy_escape`): for hot paths, where psycopg's per-value adaptation would cost more than the rest."""
    if lines:
        _copy(conn, table, columns, "".join(lines))


def copy_escape(value: str) -> str:
    """Text as a COPY text field: backslash, tab, newline and carriage return escaped."""
    return value if value.isprintable() and "\\" not in value else value.translate(_ESCAPES)


def _copy(conn: Connection, table: Table, columns: Sequence[str], payload: Payload) -> None:
    names = ", ".join(f'"{c}"' for c in columns)
    driver = conn.connection.driver_connection  # the psycopg connection of this transaction
    assert driver is not None  # None only once the pooled connection is invalidated, never inside a transaction
    statement = f'COPY "{table.schema}"."{table.name}" ({names}) FROM STDIN'
    try:
        if isinstance(driver, psycopg.AsyncConnection):  # the lean HTTP path (`Call.run`): await via the greenlet
            await_only(_copy_async(driver, statement, payload))
        else:
            with driver.cursor() as cursor, cursor.copy(statement) as copy:
                if isinstance(payload, str):
                    copy.write(payload)
                else:
                    for row in payload:
                        copy.write_row(row)
    # psycopg's own errors, raised past SQLAlchemy: given SQLAlchemy's types, a value PostgreSQL refuses is the
    # same 422 (or dead letter) as it is for any other statement, never a 500.
    except psycopg.errors.DataError as exc:
        raise DataError(statement, None, exc) from exc
    except psycopg.errors.IntegrityError as exc:
        raise IntegrityError(statement, None, exc) from exc


async def _copy_async(driver: psycopg.AsyncConnection[Any], statement: str, payload: Payload) -> None:
    async with driver.cursor() as cursor, cursor.copy(statement) as copy:
        if isinstance(payload, str):
            await copy.write(payload)
        else:
            for row in payload:
                await copy.write_row(row)


_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy's stubs


@functools.lru_cache(maxsize=256)
def _recordset_sql(table: Table, columns: tuple[str, ...], conflict: str, returning: str) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    typed = ", ".join(f'"{c}" {table.c[c].type.compile(dialect=_DIALECT)}' for c in columns)
    keys = [c.name for c in table.primary_key.columns]
    if conflict == "update":
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in keys)
        tail = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    elif conflict == "nothing":
        tail = "ON CONFLICT DO NOTHING"
    else:
        tail = ""
    back = f" RETURNING {returning}" if returning else ""
    return (
        f'INSERT INTO "{table.schema}"."{table.name}" ({names}) '
        f"SELECT {names} FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS u({typed}) {tail}{back}"
    )


def insert_rows(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    conflict: Literal["update", "nothing", "error"] = "update",
    returning: str = "",
) -> CursorResult[Any]:
    """Insert (or upsert by primary key) rows as one statement with one JSON parameter: its text is the same
    whatever the row count, so it is compiled and prepared once, and the rows travel as one string (UUIDs, decimals
    and dates as their text). With `update`, rows sharing a key must be deduplicated by the caller."""
    columns = tuple(rows[0]) if rows else tuple(c.name for c in table.columns)
    payload = json.dumps(rows, default=str, separators=(",", ":"))
    return conn.execute(text(_recordset_sql(table, columns, conflict, returning)), {"rows": payload})
