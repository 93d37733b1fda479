"""Set-based writes for batch handlers: COPY rows into a table inside the caller's transaction."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import psycopg
from sqlalchemy import Connection, CursorResult, Table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DataError, IntegrityError


def copy_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows with one COPY (no parameter limit, one round trip); every row has the same keys."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    driver = conn.connection.driver_connection  # the psycopg connection of this transaction
    assert driver is not None  # None only once the pooled connection is invalidated, never inside a transaction
    cursor = driver.cursor()
    statement = f'COPY "{table.schema}"."{table.name}" ({names}) FROM STDIN'
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    # psycopg's own errors, raised past SQLAlchemy: given SQLAlchemy's types, a value PostgreSQL refuses is the
    # same 422 (or dead letter) as it is for any other statement, never a 500.
    except psycopg.errors.DataError as exc:
        raise DataError(statement, None, exc) from exc
    except psycopg.errors.IntegrityError as exc:
        raise IntegrityError(statement, None, exc) from exc
    finally:
        cursor.close()


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
