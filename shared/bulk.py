"""Set-based writes for batch handlers: COPY rows into a table inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from sqlalchemy import Connection, Table
from sqlalchemy.exc import DataError, IntegrityError

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows with one COPY (no parameter limit, one round trip); every row has the same keys."""
    if not rows:
        return
    columns = list(rows[0])

    def write(copy: psycopg.Copy) -> None:
        for row in rows:
            copy.write_row([row[c] for c in columns])

    _copy(conn, table, columns, write)


def copy_text(conn: Connection, table: Table, columns: Sequence[str], lines: list[str]) -> None:
    """Insert rows already written as COPY text (tab-separated, `\\N` for null, each ending in a newline; text
    escaped by `copy_escape`): for hot paths, where psycopg's per-value adaptation would cost more than the rest."""
    if lines:
        _copy(conn, table, columns, lambda copy: copy.write("".join(lines)))


def copy_escape(value: str) -> str:
    """Text as a COPY text field: backslash, tab, newline and carriage return escaped."""
    return value if value.isprintable() and "\\" not in value else value.translate(_ESCAPES)


def _copy(conn: Connection, table: Table, columns: Sequence[str], write: Callable[[psycopg.Copy], None]) -> None:
    names = ", ".join(f'"{c}"' for c in columns)
    driver = conn.connection.driver_connection  # the psycopg connection of this transaction
    assert driver is not None  # None only once the pooled connection is invalidated, never inside a transaction
    cursor = driver.cursor()
    statement = f'COPY "{table.schema}"."{table.name}" ({names}) FROM STDIN'
    try:
        with cursor.copy(statement) as copy:
            write(copy)
    # psycopg's own errors, raised past SQLAlchemy: given SQLAlchemy's types, a value PostgreSQL refuses is the
    # same 422 (or dead letter) as it is for any other statement, never a 500.
    except psycopg.errors.DataError as exc:
        raise DataError(statement, None, exc) from exc
    except psycopg.errors.IntegrityError as exc:
        raise IntegrityError(statement, None, exc) from exc
    finally:
        cursor.close()
