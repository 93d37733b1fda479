"""Use cases for a company's selling calendar: weekend days, the behind margin, holidays and make-up days."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.dialects.postgresql import insert

from services.targets import db
from services.targets.domain.calendar import check_weekend_days
from services.targets.progress.figures import selling_calendar
from services.targets.progress.schemas import CalendarDayIn, CalendarDayOut, CalendarSettingsIn, SellingCalendarOut
from services.targets.progress.tables import calendar_days, progress_settings
from shared.errors import InvalidInput, NotFound
from shared.identity import Principal
from shared.org.scope import ensure_in_scope

ou = db.org_units


def _company(conn: Connection, principal: Principal, company_id: uuid.UUID) -> None:
    ensure_in_scope(conn, ou, principal, company_id)
    if conn.scalar(select(ou.c.kind).where(ou.c.id == company_id)) != "company":
        raise InvalidInput("a selling calendar belongs to a company; this org unit is not one", field="company_id")


def get_calendar(conn: Connection, principal: Principal, company_id: uuid.UUID, year: int) -> SellingCalendarOut:
    """The company's settings and the year's exceptions, with the selling days they leave."""
    _company(conn, principal, company_id)
    calendar, margin = selling_calendar(conn, company_id, year)
    c = calendar_days
    days = conn.execute(
        select(c.c.day, c.c.selling, c.c.reason)
        .where(c.c.company_id == company_id, c.c.day >= date(year, 1, 1), c.c.day <= date(year, 12, 31))
        .order_by(c.c.day)
    )
    return SellingCalendarOut(
        company_id=company_id,
        weekend_days=sorted(calendar.weekend_days),
        behind_margin=margin,
        year=year,
        selling_days=calendar.selling_days(date(year, 1, 1), date(year, 12, 31)),
        days=[CalendarDayOut.model_validate(d, from_attributes=True) for d in days],
    )


def set_settings(
    conn: Connection, principal: Principal, company_id: uuid.UUID, command: CalendarSettingsIn, year: int
) -> SellingCalendarOut:
    """Replace the company's weekend days and behind margin."""
    _company(conn, principal, company_id)
    weekend = sorted(check_weekend_days(command.weekend_days))
    stmt = insert(progress_settings).values(
        company_id=company_id, weekend_days=weekend, behind_margin=command.behind_margin
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[progress_settings.c.company_id],
            set_={
                "weekend_days": stmt.excluded.weekend_days,
                "behind_margin": stmt.excluded.behind_margin,
                "updated_at": func.now(),
            },
        )
    )
    return get_calendar(conn, principal, company_id, year)


def set_day(
    conn: Connection, principal: Principal, company_id: uuid.UUID, day: date, command: CalendarDayIn
) -> CalendarDayOut:
    """Mark a date as a holiday (selling false) or a make-up working day (selling true)."""
    _company(conn, principal, company_id)
    stmt = insert(calendar_days).values(company_id=company_id, day=day, selling=command.selling, reason=command.reason)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[calendar_days.c.company_id, calendar_days.c.day],
            set_={"selling": stmt.excluded.selling, "reason": stmt.excluded.reason},
        )
    )
    return CalendarDayOut(day=day, selling=command.selling, reason=command.reason)


def clear_day(conn: Connection, principal: Principal, company_id: uuid.UUID, day: date) -> None:
    """Let a date follow the weekday rule again."""
    _company(conn, principal, company_id)
    removed = conn.execute(
        delete(calendar_days).where(calendar_days.c.company_id == company_id, calendar_days.c.day == day)
    )
    if removed.rowcount == 0:
        raise NotFound(f"no exception is recorded for {day}", field="day")
