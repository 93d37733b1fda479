"""Use cases of manager time: log an activity, and the split per week or month against the bands."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Connection, Date, cast, func, select
from sqlalchemy.dialects.postgresql import insert

from services.visits import db
from services.visits.domain.manager_time import split
from services.visits.manager_time.schemas import ActivityIn, ActivityOut, ManagerTimeOut, PeriodOut, ShareOut
from services.visits.manager_time.tables import manager_activities as t
from shared.errors import Conflict, InvalidInput, NotFound
from shared.identity import Principal, Role
from shared.org import scope_condition


def manager_of(principal: Principal) -> uuid.UUID:
    if principal.person_id is None or principal.org_unit_id is None:
        raise InvalidInput("the token names no manager (person and org unit)", field="token")
    return principal.person_id


def record_activity(
    conn: Connection, principal: Principal, command: ActivityIn, *, source: str = "logged"
) -> ActivityOut:
    """Log where some of the caller's time went; the same id again returns the first record."""
    manager = manager_of(principal)
    values = command.model_dump()
    inserted = conn.execute(
        insert(t)
        .values(**values, manager_id=manager, org_unit_id=principal.org_unit_id, source=source)
        .on_conflict_do_nothing()
        .returning(t.c.id)
    ).first()
    row = conn.execute(select(t).where(t.c.id == command.id)).one()
    if inserted is None and (
        row.manager_id != manager or ActivityIn(**{k: getattr(row, k) for k in values}) != command
    ):
        raise Conflict(f"activity id {command.id} is already used by another record", field="id")
    return ActivityOut(**{k: getattr(row, k) for k in ActivityOut.model_fields})


def report(
    conn: Connection, principal: Principal, manager_id: uuid.UUID, *, period: str, start: date, end: date
) -> ManagerTimeOut:
    """Each week's or month's split of the manager's time against the recommended bands."""
    if principal.role == Role.rep:
        raise NotFound(f"manager {manager_id} not found")
    if end < start or (end - start).days > 366:
        raise InvalidInput("the report covers 1 to 366 days, end not before start", field="end")
    visible = t.c.manager_id == manager_id
    if principal.person_id != manager_id:
        visible &= scope_condition(db.org_units, principal, t.c.org_unit_id)
    bucket = cast(func.date_trunc(period, t.c.on_date), Date).label("bucket")
    rows = conn.execute(
        select(bucket, t.c.category, func.sum(t.c.minutes).label("minutes"))
        .where(visible, t.c.on_date.between(start, end))
        .group_by(bucket, t.c.category)
        .order_by(bucket)
    ).all()
    by_bucket: dict[date, dict[str, int]] = {}
    for r in rows:
        by_bucket.setdefault(r.bucket, {})[r.category] = int(r.minutes)
    return ManagerTimeOut(
        manager_id=manager_id,
        period=period,
        periods=[
            PeriodOut(
                period_start=b,
                total_minutes=sum(m.values()),
                shares=[ShareOut(**s.__dict__) for s in split(m)],
            )
            for b, m in by_bucket.items()
        ],
    )
