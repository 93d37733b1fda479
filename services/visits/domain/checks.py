"""Checks recorded on a visit when it is checked out: duration, opening hours and the required steps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time

STEPS: tuple[str, ...] = (
    "stock_check",  # 断货, batches seen
    "display",  # 陈列: photos of the shelf
    "prices",  # ours and competitors'
    "competitor_activity",  # 竞品: 口味 包装 规格 价格 促销
    "promotion_materials",  # 促销品 handed over
    "order",  # order taken
    "feedback",  # feedback and complaints
)

# Opening hours per ISO weekday (1 = Monday): a list of (opens, closes) windows; a missing day means closed.
OpeningHours = Mapping[int, Sequence[tuple[time, time]]]


@dataclass(frozen=True)
class VisitChecks:
    duration_minutes: float
    too_short: bool
    out_of_hours: bool
    missing_steps: tuple[str, ...]

    @property
    def flags(self) -> tuple[str, ...]:
        found = []
        if self.too_short:
            found.append("too_short")
        if self.out_of_hours:
            found.append("out_of_hours")
        if self.missing_steps:
            found.append("missing_steps")
        return tuple(found)


def is_open(hours: OpeningHours | None, at: datetime) -> bool:
    """True when `at` (outlet local time) falls in one of the day's windows; unknown hours count as open."""
    if hours is None:
        return True
    return any(opens <= at.time() <= closes for opens, closes in hours.get(at.isoweekday(), ()))


def check_visit(
    *,
    check_in_at: datetime,
    check_out_at: datetime,
    minimum_minutes: float,
    opening_hours: OpeningHours | None,
    required_steps: Iterable[str],
    steps_done: Iterable[str],
) -> VisitChecks:
    """Duration in store against the policy minimum, both ends inside opening hours, required steps present."""
    if check_out_at < check_in_at:
        raise ValueError("check-out before check-in")
    duration = (check_out_at - check_in_at).total_seconds() / 60
    done = set(steps_done)
    return VisitChecks(
        duration_minutes=round(duration, 2),
        too_short=duration < minimum_minutes,
        out_of_hours=not (is_open(opening_hours, check_in_at) and is_open(opening_hours, check_out_at)),
        missing_steps=tuple(s for s in STEPS if s in set(required_steps) and s not in done),
    )
