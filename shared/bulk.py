"""Set-based writes for batch handlers: COPY rows into a table inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg
from sqlalchemy import Connection, Table
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.util import await_only


def copy_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows with one COPY (no parameter limit, one round trip); every row has the same keys."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    driver = conn.connection.driver_connection  # the psycopg connection of this transaction
    assert driver is not None  # None only once the pooled connection is invalidated, never inside a transaction
    statement = f'COPY "{table.schema}"."{table.name}" ({names}) FROM STDIN'
    values = ([row[c] for c in columns] for row in rows)
    try:
        if isinstance(driver, psycopg.AsyncConnection):  # the lean HTTP path (`Call.run`): await via the greenlet
            await_only(_copy_async(driver, statement, values))
        else:
            with driver.cursor() as cursor, cursor.copy(statement) as copy:
                for value in values:
                    copy.write_row(value)
    # psycopg's own errors, raised past SQLAlchemy: given SQLAlchemy's types, a value PostgreSQL refuses is the
    # same 422 (or dead letter) as it is for any other statement, never a 500.
    except psycopg.errors.DataError as exc:
        raise DataError(statement, None, exc) from exc
    except psycopg.errors.IntegrityError as exc:
        raise IntegrityError(statement, None, exc) from exc


async def _copy_async(driver: psycopg.AsyncConnection[Any], statement: str, values: Iterable[list[Any]]) -> None:
    async with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for value in values:
            await copy.write_row(value)
