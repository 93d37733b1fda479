"""Progress against a target (001 目标可视化, 004 销售排名): periods, the figures of one node, status and ranking.

- achievement_rate (达成率) = actual / target; none when the target is zero.
- time_progress (时间进度) = selling days elapsed / selling days in the period; the as-of day counts as elapsed
  (figures are "as of the end of that day"). A period without selling days is 0 before its end and 1 after.
- gap = target - actual (negative once the target is exceeded).
- required_daily_run_rate = max(gap, 0) / remaining selling days; none when no selling day remains.
- run_rate_forecast = actual / elapsed selling days x selling days in the period; none before the first one.
- status: behind when achievement_rate < time_progress - margin, ahead when > time_progress + margin, else
  on_track. With a zero target a node is ahead once it sells anything.
Rates are shown to 4 decimals, amounts to the cent (half up); status and ranks use the exact values.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from services.targets.domain.calendar import SellingCalendar, month_end
from shared.errors import InvalidInput

PERIOD_PATTERN = r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
RATE_PLACES = Decimal("0.0001")
AMOUNT_PLACES = Decimal("0.01")
DEFAULT_MARGIN = Decimal("0.05")
K = TypeVar("K", bound=Hashable)


class Status(StrEnum):
    ahead = "ahead"
    on_track = "on_track"
    behind = "behind"


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def resolve_period(fiscal_year: int, period: str | None, date_from: date | None, date_to: date | None) -> Period:
    """A year ("2026"), quarter ("2026-Q2"), month ("2026-03") or date range inside the plan's fiscal year."""
    if period is not None and (date_from or date_to):
        raise InvalidInput("give either period or date_from and date_to, not both", field="period")
    if date_from or date_to:
        if date_from is None or date_to is None:
            raise InvalidInput(
                "a date range needs both date_from and date_to", field="date_from" if date_from is None else "date_to"
            )
        if date_to < date_from:
            raise InvalidInput("date_to is before date_from", field="date_to")
        if date_from.year != fiscal_year or date_to.year != fiscal_year:
            raise InvalidInput(f"the date range must lie inside fiscal year {fiscal_year}", field="date_from")
        return Period(f"{date_from.isoformat()}..{date_to.isoformat()}", date_from, date_to)
    label = period or str(fiscal_year)
    if not re.fullmatch(PERIOD_PATTERN, label):
        raise InvalidInput("period is a year (2026), a quarter (2026-Q2) or a month (2026-03)", field="period")
    if int(label[:4]) != fiscal_year:
        raise InvalidInput(f"period {label} is outside the plan's fiscal year {fiscal_year}", field="period")
    if len(label) == 4:
        return Period(label, date(fiscal_year, 1, 1), date(fiscal_year, 12, 31))
    if label[5] == "Q":
        first = (int(label[6]) - 1) * 3 + 1
        return Period(label, date(fiscal_year, first, 1), month_end(date(fiscal_year, first + 2, 1)))
    start = date(fiscal_year, int(label[5:7]), 1)
    return Period(label, start, month_end(start))


def periods_containing(fiscal_year: int, day: date) -> list[Period]:
    """The month, quarter and year of the fiscal year that contain a day (what alerts are evaluated for)."""
    quarter = (day.month - 1) // 3 + 1
    return [
        resolve_period(fiscal_year, label, None, None)
        for label in (f"{day.year}-{day.month:02d}", f"{day.year}-Q{quarter}", str(day.year))
    ]


def month_weight(calendar: SellingCalendar, part_start: date, part_end: date) -> Fraction:
    """Share of a month's target that falls in part of it: by selling days (by calendar days if it has none)."""
    first, last = part_start.replace(day=1), month_end(part_start)
    in_month = calendar.selling_days(first, last)
    if in_month == 0:
        return Fraction((part_end - part_start).days + 1, (last - first).days + 1)
    return Fraction(calendar.selling_days(part_start, part_end), in_month)


def elapsed_until(period: Period, as_of: date) -> date | None:
    """Last day whose actuals count as of a day: none before the period starts, the period's end after it."""
    if as_of < period.start:
        return None
    return min(as_of, period.end)


@dataclass(frozen=True)
class Progress:
    target: Decimal
    actual: Decimal
    gap: Decimal
    achievement_rate: Decimal | None
    time_progress: Decimal
    selling_days: int
    elapsed_selling_days: int
    remaining_selling_days: int
    required_daily_run_rate: Decimal | None
    run_rate_forecast: Decimal | None
    status: Status


def achievement(target: Decimal, actual: Decimal) -> Fraction | None:
    """Exact achievement rate, or none without a target."""
    return Fraction(actual) / Fraction(target) if target > 0 else None


def time_progress(selling_days: int, elapsed_selling_days: int, period_over: bool) -> Fraction:
    if selling_days == 0:
        return Fraction(1 if period_over else 0)
    return Fraction(elapsed_selling_days, selling_days)


def status_of(rate: Fraction | None, progress: Fraction, margin: Decimal, actual: Decimal) -> Status:
    if rate is None:
        return Status.ahead if actual > 0 else Status.on_track
    if rate < progress - Fraction(margin):
        return Status.behind
    if rate > progress + Fraction(margin):
        return Status.ahead
    return Status.on_track


def measure(
    target: Decimal,
    actual: Decimal,
    *,
    selling_days: int,
    elapsed_selling_days: int,
    period_over: bool,
    margin: Decimal = DEFAULT_MARGIN,
) -> Progress:
    """All figures of one node for one period, as of one day."""
    if not 0 <= elapsed_selling_days <= selling_days:
        raise ValueError("elapsed selling days must lie between 0 and the period's selling days")  # a bug
    rate = achievement(target, actual)
    progress = time_progress(selling_days, elapsed_selling_days, period_over)
    gap = target - actual
    remaining = selling_days - elapsed_selling_days
    run_rate = rounded(Fraction(max(gap, Decimal(0))) / remaining, AMOUNT_PLACES) if remaining else None
    forecast = (
        rounded(Fraction(actual) * selling_days / elapsed_selling_days, AMOUNT_PLACES) if elapsed_selling_days else None
    )
    return Progress(
        target=target,
        actual=actual,
        gap=gap,
        achievement_rate=rounded(rate, RATE_PLACES) if rate is not None else None,
        time_progress=rounded(progress, RATE_PLACES),
        selling_days=selling_days,
        elapsed_selling_days=elapsed_selling_days,
        remaining_selling_days=remaining,
        required_daily_run_rate=run_rate,
        run_rate_forecast=forecast,
        status=status_of(rate, progress, margin, actual),
    )


def rounded(value: Fraction, places: Decimal) -> Decimal:
    """An exact rational rounded half away from zero to the given places."""
    scaled = value / Fraction(places)
    units = int(abs(scaled) + Fraction(1, 2))
    return (Decimal(-units if scaled < 0 else units) * places).quantize(places)


def competition_ranks(rates: Mapping[K, Fraction | None]) -> dict[K, int]:
    """1 for the highest achievement rate; equal rates share a rank (1, 2, 2, 4); nodes without a target last."""
    ordered = sorted(rates.values(), key=lambda r: (r is None, -(r or 0)))
    first_position: dict[Fraction | None, int] = {}
    for position, rate in enumerate(ordered, 1):
        first_position.setdefault(rate, position)
    return {key: first_position[rate] for key, rate in rates.items()}


def roll_up(parents: Sequence[int], own: Sequence[Decimal]) -> list[Decimal]:
    """Subtree sums of a tree listed parents first: parents[i] is the position of i's parent (always before i),
    or -1 for a root. Each node gets its own value plus everything below it, in one pass from the leaves up."""
    totals = list(own)
    for position in range(len(parents) - 1, 0, -1):
        parent = parents[position]
        if parent >= 0:
            totals[parent] += totals[position]
    return totals
