"""Set-based writes for batch handlers: COPY rows into a table inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from sqlalchemy import Connection, Table
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
