"""Selling days: weekdays sell, weekends and company holidays (e.g. Spring Festival) do not, make-up days do.

A company's calendar is its weekend days (ISO weekday numbers, default Saturday and Sunday) plus dated
exceptions that override the weekday rule either way: a holiday on a Tuesday is not a selling day, a make-up
working Saturday (调休) is.
"""

from __future__ import annotations

import calendar as _gregorian
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from shared.errors import InvalidInput

DEFAULT_WEEKEND_DAYS = frozenset({6, 7})


def check_weekend_days(days: list[int] | frozenset[int]) -> frozenset[int]:
    """ISO weekdays 1 (Monday) .. 7 (Sunday), no repeats, and at least one weekday left to sell on."""
    chosen = list(days)
    if any(not 1 <= d <= 7 for d in chosen):
        raise InvalidInput("weekend days are ISO weekdays 1 (Monday) to 7 (Sunday)", field="weekend_days")
    if len(set(chosen)) != len(chosen):
        raise InvalidInput("a weekend day is listed twice", field="weekend_days")
    if len(chosen) == 7:
        raise InvalidInput("at least one weekday must be a selling day", field="weekend_days")
    return frozenset(chosen)


def each_day(start: date, end: date) -> Iterator[date]:
    """Every date from start to end, both included."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def month_end(day: date) -> date:
    return day.replace(day=_gregorian.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class SellingCalendar:
    weekend_days: frozenset[int] = DEFAULT_WEEKEND_DAYS
    exceptions: Mapping[date, bool] = field(default_factory=dict)  # day -> is it a selling day

    def is_selling_day(self, day: date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.isoweekday() not in self.weekend_days

    def selling_days(self, start: date, end: date) -> int:
        """Selling days from start to end, both included; 0 when end is before start."""
        return sum(1 for day in each_day(start, end) if self.is_selling_day(day))


def month_blocks(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """Cover start..end (inclusive) by whole calendar months (their first days) and leftover day ranges."""
    months: list[date] = []
    ranges: list[tuple[date, date]] = []
    cursor = start
    while cursor <= end:
        last = month_end(cursor)
        if cursor.day == 1 and last <= end:
            months.append(cursor)
        else:
            ranges.append((cursor, min(last, end)))
        cursor = last + timedelta(days=1)
    return months, ranges
