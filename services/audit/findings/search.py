"""The ops query API: findings filtered and cursor-paged (newest first), aggregates, CSV and .xlsx exports."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from openpyxl import Workbook
from sqlalchemy import ARRAY, ColumnElement, Connection, and_, cast, func, literal_column, select, tuple_
from sqlalchemy.dialects.postgresql import UUID

from services.audit import db
from services.audit.domain.settings import Severity
from services.audit.domain.workflow import FINISHED, Status
from services.audit.findings.access import MANAGERS, visible
from services.audit.findings.schemas import AggregateRow, FindingOut, FindingPage
from services.audit.findings.tables import findings as f
from shared.http.paging import decode_cursor, encode_cursor
from shared.identity import Principal
from shared.org import ensure_in_scope, subtree_ids

EXPORT_LIMIT = 100_000
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_COLUMNS = [
    "id",
    "rule",
    "subject",
    "period",
    "org_unit_id",
    "severity",
    "status",
    "owner",
    "deadline",
    "opened_at",
]


@dataclass(frozen=True)
class Filters:
    rule: str | None = None
    severity: Severity | None = None
    status: Status | None = None
    org_unit_id: uuid.UUID | None = None
    subject: str | None = None
    opened_from: date | None = None
    opened_to: date | None = None


def _in_subtree(conn: Connection, root: uuid.UUID) -> ColumnElement:
    """The subtree's unit ids looked up first and bound as values: the planner then weighs them with the column's
    statistics (an office's few findings: its index; a region's many: the newest-first scan). Left as a subquery,
    it guesses one unit and may scan a million findings newest first for a small office's rare status."""
    units = list(conn.scalars(subtree_ids(db.org_units, root)))
    if len(units) == 1:
        return f.c.org_unit_id == units[0]
    return f.c.org_unit_id == func.any(cast(units, ARRAY(UUID(as_uuid=True))))


def _where(conn: Connection, principal: Principal, filters: Filters) -> list[ColumnElement]:
    unit = principal.org_unit_id
    scoped = principal.role in MANAGERS and not principal.sees_everything and unit is not None
    conditions = [_in_subtree(conn, unit) if scoped and unit is not None else visible(principal)]
    if filters.org_unit_id is not None:
        ensure_in_scope(conn, db.org_units, principal, filters.org_unit_id)
        conditions.append(_in_subtree(conn, filters.org_unit_id))
    for column, value in [(f.c.rule, filters.rule), (f.c.subject, filters.subject)]:
        if value is not None:
            conditions.append(column == value)
    if filters.severity is not None:
        conditions.append(f.c.severity == filters.severity.value)
    if filters.status is not None:
        conditions.append(f.c.status == filters.status.value)
    if filters.opened_from is not None:
        conditions.append(f.c.opened_at >= datetime.combine(filters.opened_from, time(), tzinfo=UTC))
    if filters.opened_to is not None:
        conditions.append(f.c.opened_at < datetime.combine(filters.opened_to + timedelta(days=1), time(), tzinfo=UTC))
    return conditions


def search(conn: Connection, principal: Principal, filters: Filters, *, cursor: str | None, limit: int) -> FindingPage:
    """One page of findings, newest first; `next_cursor` continues after the last one."""
    conditions = _where(conn, principal, filters)
    if cursor:
        at, finding_id = decode_cursor(cursor)
        conditions.append(tuple_(f.c.opened_at, f.c.id) < tuple_(at, finding_id))
    rows = conn.execute(
        select(f).where(and_(*conditions)).order_by(f.c.opened_at.desc(), f.c.id.desc()).limit(limit + 1)
    ).all()
    items = [FindingOut.model_validate(r) for r in rows[:limit]]
    more = len(rows) > limit
    return FindingPage(items=items, next_cursor=encode_cursor(items[-1].opened_at, items[-1].id) if more else None)


def aggregates(conn: Connection, principal: Principal, filters: Filters) -> list[AggregateRow]:
    """Counts by rule x org unit x ISO week of opening (all, and those still open)."""
    week = func.to_char(func.timezone("UTC", f.c.opened_at), literal_column("'IYYY-\"W\"IW'")).label("week")
    unfinished = f.c.status.notin_([s.value for s in FINISHED | {Status.verified}])
    rows = conn.execute(
        select(
            f.c.rule,
            f.c.org_unit_id,
            week,
            func.count().label("findings"),
            func.count().filter(unfinished).label("open"),
        )
        .where(and_(*_where(conn, principal, filters)))
        .group_by(f.c.rule, f.c.org_unit_id, week)
        .order_by(week, f.c.rule, f.c.org_unit_id)
        .limit(10_000)
    )
    return [AggregateRow.model_validate(r, from_attributes=True) for r in rows]


def export_rows(conn: Connection, principal: Principal, filters: Filters) -> list[list]:
    """Header and rows for an export (newest first, at most EXPORT_LIMIT)."""
    rows = conn.execute(
        select(*[f.c[c] for c in EXPORT_COLUMNS])
        .where(and_(*_where(conn, principal, filters)))
        .order_by(f.c.opened_at.desc(), f.c.id.desc())
        .limit(EXPORT_LIMIT)
    )
    return [EXPORT_COLUMNS, *([_cell(v) for v in r] for r in rows)]


def _cell(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)  # Excel has no time zones; exports are in UTC
    return value


def to_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([v.isoformat() if isinstance(v, (date, datetime)) else v for v in row])
    return out.getvalue().encode()


def to_xlsx(rows: list[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("findings")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
