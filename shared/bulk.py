"""Set-based writes for batch handlers: COPY rows into a table inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import Connection, Table


def copy_rows(conn: Connection, table: Table, rows: list[dict]) -> None:
    """Insert rows with one COPY (no parameter limit, one round trip); every row has the same keys."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.connection.driver_connection.cursor()  # the psycopg connection of this transaction
    try:
        with cursor.copy(f'COPY "{table.schema}"."{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    finally:
        cursor.close()
