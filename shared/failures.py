"""Which failures are the infrastructure's (replay later) and which are the message's (retry, then dead-letter).

Only a lost or refused connection (and a transaction the server aborted to resolve a deadlock or a serialisation
conflict) is the infrastructure's. A statement the server or the driver rejects — a bad parameter count, a value out
of range, a violated constraint — fails the same way every time, so it is the message's problem.
"""

from __future__ import annotations

from kafka.errors import KafkaError
from sqlalchemy.exc import DBAPIError, InterfaceError

TRANSIENT_SQLSTATES = ("08", "40", "57P01", "57P02", "57P03", "53300")  # connection, rollback, shutdown, too many
REASON_LIMIT = 300


def is_connection_loss(exc: BaseException) -> bool:
    """True when the database connection went away or the server aborted the transaction; never a statement error."""
    if isinstance(exc, KafkaError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated or isinstance(exc, InterfaceError):
        return True
    sqlstate: str | None = getattr(exc.orig, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(TRANSIENT_SQLSTATES)
    return exc.statement is None  # failed while connecting; a driver-side refusal of a statement carries it


def short_reason(exc: BaseException) -> str:
    """The exception class and the first line of its message, bounded: never the SQL statement or its data."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first_line = (str(inner).strip().splitlines() or [""])[0]
    return f"{type(inner).__name__}: {first_line}"[:REASON_LIMIT]
