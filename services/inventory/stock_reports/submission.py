"""Submitting stock reports, one or thousands at once: rows are streamed into staging tables by COPY, every figure is
derived by one set-based statement, refusals are found by query, and reports, lines, batches and events are written
by INSERT … SELECT. Nothing stays written unless every row is valid (the caller's transaction rolls back)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from psycopg.errors import UniqueViolation
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from services.inventory.stock_reports import derivation, rejections, staging, writing
from services.inventory.stock_reports.events import record_events
from shared.errors import InvalidInput
from shared.identity import Principal

SOURCE = "/salesops/inventory"
MAX_ERRORS = 200
_NAMES = ("stock_stage", "stock_stage_batches", "stock_stage_dealers", "stock_stage_reports", "stock_stage_lines")
# The staging tables, made once per database session and emptied at each commit; emptied here as well, for a
# second submission in one transaction.
STAGING = staging.TABLES + derivation.TABLES + "".join(f"DELETE FROM {name};\n" for name in _NAMES)


class Row(NamedTuple):
    """One line as it arrived: `number` names it in errors (`rows[7]` for a file row, `lines[2]` for JSON)."""

    number: int
    dealer: Any  # a code in files, an id in a single report
    period_end: Any
    sku: Any
    opening: Any
    received: Any
    closing: Any
    batches: Any = None


class Errors:
    def __init__(self) -> None:
        self.items: list[dict] = []
        self.total = 0

    def add(self, field: str, reason: str) -> None:
        self.total += 1
        if len(self.items) < MAX_ERRORS:
            self.items.append({"field": field, "reason": reason})

    def raise_any(self, rows: int) -> None:
        if self.total:
            raise InvalidInput(f"{self.total} problem(s) in {rows} row(s); nothing was written", errors=self.items)


def submit(
    conn: Connection,
    principal: Principal,
    rows: Iterable[tuple],
    *,
    by_code: bool,
    source: str,
    label: str = "rows",
    report_id: uuid.UUID | None = None,
    period_start: date | None = None,
) -> tuple[list[uuid.UUID], int]:
    """Check, derive and write every report in `rows` (Row-shaped tuples); all of them or none (InvalidInput lists
    every bad row). Returns the reports' ids and the number of rows read."""
    errors = Errors()
    conn.exec_driver_sql(STAGING)
    row_count, refs = staging.stage_rows(conn, rows, label, errors.add)
    derivation.stage_dealers(conn, principal, refs, by_code=by_code)
    derivation.derive(conn, rows=row_count, report_id=report_id, period_start=period_start)
    _refuse_if_any(conn, errors, row_count, label, by_code=by_code, duplicates=bool(errors.total))
    ids = writing.write_reports(conn, source=source, submitted_by=principal.subject)
    try:
        with conn.begin_nested():
            writing.write_lines(conn)
    except IntegrityError as exc:
        if not isinstance(exc.orig, UniqueViolation):
            raise
        _refuse_if_any(conn, errors, row_count, label, by_code=by_code, duplicates=True)
        raise
    writing.write_batches(conn)
    record_events(conn, source=SOURCE)
    return ids, row_count


def _refuse_if_any(
    conn: Connection, errors: Errors, row_count: int, label: str, *, by_code: bool, duplicates: bool
) -> None:
    """Raise InvalidInput naming every bad row (the cells' errors first, then the query's), if there is one."""
    limit = MAX_ERRORS - len(errors.items)
    found, total = rejections.find(conn, limit, duplicates=duplicates)
    if not (total or errors.total):
        return
    if not duplicates:  # refused anyway: name the repeated SKUs as well
        found, total = rejections.find(conn, limit, duplicates=True)
    for item in rejections.describe(conn, found, label, by_code=by_code):
        errors.add(item["field"], item["reason"])
    errors.total += total - len(found)
    errors.raise_any(row_count)
