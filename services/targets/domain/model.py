"""What a decomposition is asked to do: the parent, its children and the method."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Method(StrEnum):
    """How a parent value is spread over its children."""

    EQUAL = "equal"
    HISTORICAL_SHARE = "historical_share"
    MARKET_POTENTIAL = "market_potential"
    MANUAL = "manual"
    BLEND = "blend"
    PRODUCT_SHARE = "product_share"
    SEASONALITY = "seasonality"


ORGANISATION_METHODS = (
    Method.EQUAL,
    Method.HISTORICAL_SHARE,
    Method.MARKET_POTENTIAL,
    Method.MANUAL,
    Method.BLEND,
)


@dataclass(frozen=True)
class Child:
    """One child node of the split: an org unit or a rep, with what the methods weigh it by.

    Keys of one split must be comparable with each other (all str or all int): ties are broken by key.
    """

    key: Hashable
    locked_value: Decimal | None = None
    history: Mapping[str, Decimal] | None = None  # actuals by period, e.g. {"2024": Decimal("1200")}
    indicators: Mapping[str, Decimal] | None = None  # e.g. population, income_per_head, outlet_count
    manual_weight: Decimal | None = None
    last_year: Decimal | None = None  # last year's actual, the base of the growth bounds


@dataclass(frozen=True)
class GrowthBounds:
    """Floor and ceiling on each child's growth versus its last-year actual, as rates (-0.10 = -10 %)."""

    min_growth: Decimal | None = None
    max_growth: Decimal | None = None


@dataclass(frozen=True)
class SplitRequest:
    """Split `parent` over `children` by `method`, in whole multiples of `step`.

    `history_period` picks the actuals used by historical share; `indicator_weights` says how much
    each market-potential indicator counts; `blend_weights` says how much each method counts in a blend.
    """

    parent: Decimal
    children: Sequence[Child]
    method: Method = Method.EQUAL
    step: Decimal = Decimal(1)
    history_period: str | None = None
    indicator_weights: Mapping[str, Decimal] | None = None
    blend_weights: Mapping[str, Decimal] | None = None  # by method name (Method is a str enum)
    growth_bounds: GrowthBounds | None = None
