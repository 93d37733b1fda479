"""Rule settings per org subtree: on/off, severity and thresholds; the nearest ancestor's setting wins."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from shared.errors import InvalidInput


class Severity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


@dataclass(frozen=True)
class RuleSetting:
    enabled: bool
    severity: Severity
    params: Mapping[str, Decimal] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Decimal:
        return self.params[name]


@dataclass(frozen=True)
class RuleSpec:
    """A rule's name, its period granularity and its company-wide default setting."""

    name: str
    title: str
    period: str  # "day" | "week" | "month" | "event"
    default: RuleSetting


def _spec(name: str, title: str, period: str, severity: Severity, **params: str) -> RuleSpec:
    return RuleSpec(name, title, period, RuleSetting(True, severity, {k: Decimal(v) for k, v in params.items()}))


# Defaults: stock days 20-25 (003); the others are policy choices an operations team overrides per subtree.
RULES: dict[str, RuleSpec] = {
    s.name: s
    for s in [
        _spec(
            "price_below_floor", "Selling price below floor or off list", "month", Severity.high, max_off_list_pct="15"
        ),
        _spec("cross_region_goods", "Batch seen outside the region it was shipped to (窜货)", "month", Severity.high),
        _spec(
            "checkin_far_from_outlet", "Check-in far from the outlet", "event", Severity.medium, max_distance_m="300"
        ),
        _spec("visit_too_short", "Visit shorter than the policy minimum", "event", Severity.low, min_minutes="10"),
        _spec("impossible_travel", "Consecutive visits imply impossible speed", "day", Severity.high, max_kmh="120"),
        _spec("photo_reused", "Same photo used for different visits", "month", Severity.high),
        _spec(
            "low_authenticity", "Visit authenticity score under threshold", "event", Severity.medium, min_score="0.6"
        ),
        _spec("negative_sold", "Stock report with negative sold quantity", "week", Severity.medium),
        _spec("receipt_mismatch", "Received differs from shipped", "week", Severity.medium, tolerance_pct="2"),
        _spec(
            "stock_days_out_of_band",
            "Stock days outside the band for consecutive weeks",
            "week",
            Severity.low,
            min_days="20",
            max_days="25",
            weeks="3",
        ),
        _spec("near_expiry_stock", "Near-expiry stock above threshold", "week", Severity.medium, max_share_pct="10"),
        _spec(
            "channel_stuffing",
            "Month-end order spike followed by early returns (压货)",
            "month",
            Severity.high,
            last_days="5",
            min_share_pct="40",
            return_days="10",
            min_return_pct="20",
        ),
        _spec(
            "receivable_overdue", "Receivable overdue beyond the bad-debt threshold", "month", Severity.high, days="90"
        ),
        _spec(
            "promotion_withheld",
            "Promotion materials not delivered to outlets (截留)",
            "month",
            Severity.high,
            min_delivered_pct="80",
            grace_days="14",
        ),
        _spec("low_plan_compliance", "Rep's plan compliance under threshold", "week", Severity.medium, min_pct="80"),
        _spec("behind_time_progress", "Org unit behind time progress", "event", Severity.medium, min_shortfall="0"),
    ]
}


def rule_spec(name: str) -> RuleSpec:
    try:
        return RULES[name]
    except KeyError:
        raise InvalidInput(f"unknown rule {name!r}", field="rule") from None


def override(
    spec: RuleSpec, *, enabled: bool | None, severity: Severity | None, params: Mapping[str, Any]
) -> RuleSetting:
    """A subtree's setting: the default with the given fields replaced; unknown parameters are refused."""
    unknown = set(params) - set(spec.default.params)
    if unknown:
        raise InvalidInput(f"rule {spec.name} has no parameter {sorted(unknown)[0]!r}", field="params")
    return RuleSetting(
        spec.default.enabled if enabled is None else enabled,
        spec.default.severity if severity is None else severity,
        {**spec.default.params, **{k: Decimal(str(v)) for k, v in params.items()}},
    )


def resolve(spec: RuleSpec, ancestry: Sequence[uuid.UUID], settings: Mapping[uuid.UUID, RuleSetting]) -> RuleSetting:
    """The setting of the nearest unit on `ancestry` (root first, the unit itself last) that has one."""
    for unit in reversed(ancestry):
        if unit in settings:
            return settings[unit]
    return spec.default
