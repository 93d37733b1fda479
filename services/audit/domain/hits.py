"""What a rule reports: one hit per (rule, subject, period), with its evidence and source events."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from services.audit.domain.settings import RULES, RuleSetting, Severity

SettingOf = Callable[[uuid.UUID], RuleSetting]  # an org unit's effective setting of one rule


@dataclass(frozen=True)
class Hit:
    rule: str
    subject: str
    period: str
    org_unit_id: uuid.UUID
    severity: Severity
    evidence: dict[str, Any] = field(compare=False)
    sources: tuple[str, ...]

    @property
    def identity(self) -> tuple[str, str, str]:
        """A finding's identity: a repeat of the same rule, subject and period updates it."""
        return (self.rule, self.subject, self.period)


def hit(
    rule: str, subject: str, period: str, unit: uuid.UUID, setting: RuleSetting, sources: Iterable[str], **ev: Any
) -> Hit:
    return Hit(rule, subject, period, unit, setting.severity, ev, tuple(sorted(set(sources))))


def default_setting(rule: str) -> SettingOf:
    """The rule's company-wide default for every unit (tests and single-setting runs)."""
    return lambda _unit: RULES[rule].default


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def week_of(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def month_end(day: date) -> date:
    first_next = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return first_next - timedelta(days=1)


EARTH_RADIUS_M = 6_371_000.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
