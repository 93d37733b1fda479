"""Coverage metrics of a rep or a team: plan compliance, coverage, time in store, strike rate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Counts:
    planned: int  # visits on the published schedule
    done_planned: int  # of those, visits completed
    visits: int  # completed visits, planned or not
    visits_with_order: int
    minutes_in_store: float
    outlets_owned: int
    outlets_visited: int  # distinct


@dataclass(frozen=True)
class Metrics:
    plan_compliance: Decimal | None  # done / planned
    coverage: Decimal | None  # outlets visited / outlets owned
    average_minutes_in_store: Decimal | None
    strike_rate: Decimal | None  # visits with an order / visits


def _ratio(numerator: float, denominator: float, places: str = "0.0001") -> Decimal | None:
    if denominator == 0:
        return None  # nothing planned is not 0 % compliance
    return (Decimal(str(numerator)) / Decimal(str(denominator))).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def metrics(c: Counts) -> Metrics:
    return Metrics(
        plan_compliance=_ratio(c.done_planned, c.planned),
        coverage=_ratio(c.outlets_visited, c.outlets_owned),
        average_minutes_in_store=_ratio(c.minutes_in_store, c.visits, "0.1"),
        strike_rate=_ratio(c.visits_with_order, c.visits),
    )


def roll_up(parts: Iterable[Counts]) -> Counts:
    """A team's counts are the sums of its reps' (ratios are then taken of the sums, not averaged)."""
    parts = list(parts)
    return Counts(
        planned=sum(p.planned for p in parts),
        done_planned=sum(p.done_planned for p in parts),
        visits=sum(p.visits for p in parts),
        visits_with_order=sum(p.visits_with_order for p in parts),
        minutes_in_store=sum(p.minutes_in_store for p in parts),
        outlets_owned=sum(p.outlets_owned for p in parts),
        outlets_visited=sum(p.outlets_visited for p in parts),
    )
