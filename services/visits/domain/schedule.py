"""A rep's schedule for a period, from routes (outlets per weekday) and visit policies (frequency per grade).

Rhythm: an outlet with an interval of k weeks is due on its route's weekday in the weeks where
(week number since ANCHOR + its position on the route) is divisible by k. Counting weeks from a fixed Monday
keeps the rhythm across periods (February continues January); the position spreads a route's fortnightly and
monthly outlets over the weeks instead of piling them into one. A due day that is a holiday or a day of the
rep's leave moves to the rep's next working day (a weekday with any route) before the outlet is next due and
inside the period; when there is none, the visit is reported as not placed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

ANCHOR = date(2024, 1, 1)  # a Monday
DEFAULT_INTERVAL_WEEKS = {"A": 1, "B": 2, "C": 4, "D": 8}  # weekly, fortnightly, monthly, every two months


class RouteStop(NamedTuple):
    rep_id: uuid.UUID
    weekday: int  # ISO: 1 = Monday
    position: int  # order on the route, from 0
    outlet_id: uuid.UUID
    grade: str


class PlannedVisit(NamedTuple):  # a tuple, not a dataclass: a region's month makes a quarter of a million
    rep_id: uuid.UUID
    outlet_id: uuid.UUID
    planned_on: date
    position: int
    moved_from: date | None = None  # the due day it left because of a holiday or leave


@dataclass(frozen=True)
class NotPlaced:
    rep_id: uuid.UUID
    outlet_id: uuid.UUID
    due_on: date
    reason: str


def week_number(day: date) -> int:
    return (day - ANCHOR).days // 7


def is_due(day: date, position: int, interval_weeks: int) -> bool:
    return (week_number(day) + position) % interval_weeks == 0


def _days(start: date, end: date) -> Iterable[date]:
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def generate(
    stops: Iterable[RouteStop],
    *,
    start: date,
    end: date,
    interval_weeks: Mapping[str, int] | None = None,
    holidays: Iterable[date] = (),
    leave: Mapping[uuid.UUID, Iterable[date]] | None = None,
) -> tuple[list[PlannedVisit], list[NotPlaced]]:
    """Every visit due in [start, end], in date then route order, and the due visits that found no day."""
    if end < start:
        raise ValueError("the period ends before it starts")
    intervals = {**DEFAULT_INTERVAL_WEEKS, **(interval_weeks or {})}
    closed = set(holidays)
    away = {rep: set(days) for rep, days in (leave or {}).items()}
    by_rep: dict[uuid.UUID, list[RouteStop]] = {}
    for stop in stops:
        by_rep.setdefault(stop.rep_id, []).append(stop)
    # The days of the period falling on each weekday, computed once for every rep.
    days_by_weekday: dict[int, list[date]] = {}
    for day in _days(start, end):
        days_by_weekday.setdefault(day.isoweekday(), []).append(day)
    planned: list[PlannedVisit] = []
    missed: list[NotPlaced] = []
    for rep, rep_stops in by_rep.items():
        working_weekdays = {s.weekday for s in rep_stops}
        blocked = closed | away.get(rep, set())
        mine: list[PlannedVisit] = []
        for stop in rep_stops:
            interval = intervals[stop.grade]
            for day in days_by_weekday.get(stop.weekday, ()):
                if not is_due(day, stop.position, interval):
                    continue
                if day not in blocked:
                    mine.append(PlannedVisit(rep, stop.outlet_id, day, stop.position))
                    continue
                moved = _next_working_day(day, day + timedelta(weeks=interval), end, blocked, working_weekdays)
                if moved is None:
                    reason = "holiday" if day in closed else "leave"
                    missed.append(NotPlaced(rep, stop.outlet_id, day, f"{reason}, no working day before next due"))
                else:
                    mine.append(PlannedVisit(rep, stop.outlet_id, moved, stop.position, moved_from=day))
        mine.sort(key=lambda v: (v.planned_on, v.moved_from is not None, v.position))
        planned += mine
    return planned, missed


def _next_working_day(
    due: date, next_due: date, end: date, blocked: set[date], working_weekdays: set[int]
) -> date | None:
    day = due + timedelta(days=1)
    while day < next_due and day <= end:
        if day not in blocked and day.isoweekday() in working_weekdays:
            return day
        day += timedelta(days=1)
    return None
