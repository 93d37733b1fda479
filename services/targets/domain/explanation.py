"""Why a child's number is what it is: a structured record plus one sentence a rep can read."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from services.targets.domain.model import Method

METHOD_LABELS = {
    Method.EQUAL: "Equal split",
    Method.HISTORICAL_SHARE: "Historical share",
    Method.MARKET_POTENTIAL: "Market potential",
    Method.MANUAL: "Manual weight",
    Method.BLEND: "Blend",
    Method.PRODUCT_SHARE: "Product share",
    Method.SEASONALITY: "Seasonality",
}


MONEY_PLACES = Decimal("0.01")
SHARE_PLACES = Decimal("0.000001")


def money_text(value: Decimal | None) -> str | None:
    """A plan value in an answer: exactly 2 decimals, like every money figure of the API (shared.types.MoneyOut)."""
    return None if value is None else str(Decimal(value).quantize(MONEY_PLACES, ROUND_HALF_UP))


def share_text(value: Decimal | None) -> str | None:
    """A share of one in an answer: exactly 6 decimals, like a dealer's coverage share."""
    return None if value is None else str(Decimal(value).quantize(SHARE_PLACES, ROUND_HALF_UP))


@dataclass(frozen=True)
class Explanation:
    """How one child's value was derived.

    `share` is the child's share of the method's weights over all siblings; `pool` is what was spread
    over the unlocked siblings (parent minus locks) and `pool_share` the child's part of it before
    growth bounds. `raw_value` is the exact amount before rounding (after locks and growth bounds);
    `rounding_adjustment` = value - raw_value.
    """

    method: Method
    parent: Decimal
    step: Decimal
    value: Decimal
    weight: Decimal | None
    share: Decimal
    pool: Decimal
    pool_share: Decimal
    raw_value: Decimal
    rounding_adjustment: Decimal
    basis: str = ""
    locked: bool = False
    clamp: str | None = None  # "floor" or "ceiling" when a growth bound holds the value
    bound: Decimal | None = None
    unclamped_value: Decimal | None = None  # raw value before growth bounds, when bounds were asked for
    last_year: Decimal | None = None
    components: tuple[tuple[str, Decimal], ...] = ()  # blend: (method, the child's share by it)
    notes: tuple[str, ...] = field(default=())

    @property
    def sentence(self) -> str:
        """One line a rep can read."""
        return describe(self)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready view: values as money strings (2 decimals), shares with 6, weights as given."""
        money = money_text
        return {
            "method": self.method.value,
            "basis": self.basis,
            "parent": money(self.parent),
            "value": money(self.value),
            "weight": None if self.weight is None else str(self.weight),
            "share": share_text(self.share),
            "pool": money(self.pool),
            "pool_share": share_text(self.pool_share),
            "raw_value": money(self.raw_value),
            "rounding_adjustment": money(self.rounding_adjustment),
            "locked": self.locked,
            "clamp": self.clamp,
            "bound": money(self.bound),
            "unclamped_value": money(self.unclamped_value),
            "last_year": money(self.last_year),
            "components": {method: share_text(share) for method, share in self.components},
            "notes": list(self.notes),
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class Allocation:
    """One child's share of the parent, with its explanation."""

    key: Hashable
    value: Decimal
    explanation: Explanation

    @property
    def sentence(self) -> str:
        """One line a rep can read."""
        return self.explanation.sentence


def show(amount: Decimal, step: Decimal, extra_places: int = 2) -> str:
    """Format an amount with the step's decimals plus a few more, trailing zeros trimmed."""
    exponent = step.as_tuple().exponent
    assert isinstance(exponent, int), f"a step is a finite number, not {step}"
    places = max(0, -exponent) + extra_places
    text = f"{amount:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def grouped(amount: Decimal, step: Decimal, unit: str = "", extra_places: int = 0) -> str:
    """An amount as a person reads it: thousands separators, the step's decimals (extra ones trimmed), the unit."""
    exponent = step.normalize().as_tuple().exponent  # a step read as 1.0000 still means whole units
    assert isinstance(exponent, int), f"a step is a finite number, not {step}"
    places = max(0, -exponent)
    text = f"{amount:,.{places + extra_places}f}"
    if extra_places and "." in text:
        whole, decimals = text.split(".")
        decimals = decimals[:places] + decimals[places:].rstrip("0")
        text = f"{whole}.{decimals}" if decimals else whole
    return f"{text} {unit}" if unit else text


def narrate(e: Explanation, child: str, parent: str, unit: str = "") -> str:
    """The sentence for a rep: both units named, amounts with separators and the plan's unit, "the rest" stated."""

    def g(amount: Decimal, extra: int = 0) -> str:
        return grouped(amount, e.step, unit, extra)

    whole = f"{parent}'s {g(e.parent)}"
    if e.locked:
        return (
            f"{child} is locked at {g(e.value)} by the manager; the rest of {whole}, {g(e.parent - e.value)}, "
            f"is shared by the other units under {parent}."
        )
    head = METHOD_LABELS[e.method] + (f" ({e.basis})" if e.basis else "")
    if e.clamp is not None:
        assert e.unclamped_value is not None and e.last_year is not None, "a growth clamp needs last year's value"
        direction, word = ("capped at", "ceiling") if e.clamp == "ceiling" else ("raised to", "floor")
        moved = "the excess went to" if e.clamp == "ceiling" else "the shortfall came from"
        growth = f"{(e.value / e.last_year - 1) * 100:+.2f} %" if e.last_year else "no growth"
        return (
            f"{child}: {head} of {whole} gave {g(e.unclamped_value, 2)}, {direction} {g(e.value)} by the growth "
            f"{word} ({growth} on last year's {g(e.last_year)}); {moved} the other units under {parent}."
        )
    pool = whole if e.pool == e.parent else f"the rest of {whole} once locked units are taken out, {g(e.pool)}"
    text = f"{child} gets {head}: {percent(e.pool_share)} of {pool} = {g(e.raw_value, 2)}"
    if e.rounding_adjustment > 0:
        text += f", rounded up to {g(e.value)}"
    elif e.rounding_adjustment < 0:
        text += f", rounded down to {g(e.value)}"
    return text + f"; the units under {parent} add up to exactly {g(e.parent)}."


def percent(share: Decimal) -> str:
    """Format a share as a percentage with two decimals."""
    return f"{share * 100:.2f} %"


def describe(e: Explanation) -> str:
    """Build the one-line sentence for an explanation."""
    s = e.step
    if e.locked:
        return (
            f"Locked at {show(e.value, s)} by the manager; the unlocked siblings share the rest of {show(e.parent, s)}."
        )
    head = METHOD_LABELS[e.method] + (f" ({e.basis})" if e.basis else "")
    if e.clamp is not None:
        direction, word = ("capped at", "ceiling") if e.clamp == "ceiling" else ("raised to", "floor")
        moved = "the excess went to" if e.clamp == "ceiling" else "the shortfall came from"
        assert e.unclamped_value is not None and e.last_year is not None, "a growth clamp needs last year's value"
        growth = f"{(e.value / e.last_year - 1) * 100:+.2f} %" if e.last_year else "no growth"
        return (
            f"{head} gave {show(e.unclamped_value, s)}, {direction} {show(e.value, s)} by the growth {word} "
            f"({growth} on last year's {show(e.last_year, s)}); {moved} the siblings within their bounds."
        )
    pool = show(e.parent, s) if e.pool == e.parent else f"the {show(e.pool, s)} left after locked siblings"
    text = f"{head}: {percent(e.pool_share)} of {pool}"
    if e.unclamped_value is not None and e.unclamped_value != e.raw_value:
        text += (
            f" would be {show(e.unclamped_value, s)}; it is {show(e.raw_value, s)} once growth bounds held "
            "other siblings"
        )
    else:
        text += f" = {show(e.raw_value, s)}"
    if e.rounding_adjustment > 0:
        text += f", rounded up by {show(e.rounding_adjustment, s)} to {show(e.value, s)}"
    elif e.rounding_adjustment < 0:
        text += f", rounded down by {show(-e.rounding_adjustment, s)} to {show(e.value, s)}"
    else:
        text += ", no rounding needed"
    return text + f"; the children add up to exactly {show(e.parent, s)}."
