"""The bulk path: each org leaf's yearly target split over product lines, then each line over months.

Works in integer units of the step with integer weights. The month split uses that splitting
v = a·W + b units over weights w (sum W) gives a·w + split(b): the remainders depend only on b,
so one largest-remainder run per distinct b serves every cell. Nothing is stored per cell: a leaf's
lines and months are computed when asked for, one leaf at a time, so a national split (20,000 reps x
50 lines x 12 months) streams out in constant memory; `explain` recomputes one cell's arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from services.targets.domain.explanation import money_text, percent, share_text, show
from services.targets.domain.rounding import (
    check_step,
    fraction_to_decimal,
    from_units,
    integer_weights,
    non_negative,
    split_units,
    tie_order,
    to_units,
)
from services.targets.domain.seasonality import QUARTER_MONTHS, check_profile
from shared.errors import InvalidInput

Leaf = TypeVar("Leaf", bound=Hashable)
Product = TypeVar("Product", bound=Hashable)

MONTH_NUMBERS = tuple(range(1, 13))


@dataclass(frozen=True)
class CellExplanation:
    """How one leaf × product × month cell was derived: product share, then month share, each rounded."""

    leaf: Hashable
    product: Hashable
    month: int
    step: Decimal
    leaf_value: Decimal
    product_share: Decimal
    product_raw_value: Decimal
    product_value: Decimal
    product_rounding_adjustment: Decimal
    month_share: Decimal
    month_raw_value: Decimal
    value: Decimal
    month_rounding_adjustment: Decimal

    @property
    def sentence(self) -> str:
        """One line a rep can read."""
        s = self.step
        return (
            f"{self.product} takes {percent(self.product_share)} of {self.leaf}'s {show(self.leaf_value, s)} "
            f"= {show(self.product_raw_value, s)}, rounded to {show(self.product_value, s)}; month {self.month} "
            f"takes {percent(self.month_share)} of that by the seasonality profile = {show(self.month_raw_value, s)}, "
            f"rounded to {show(self.value, s)}; products and months add up exactly."
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready view: shares with 6 decimals, every other number as money (2 decimals)."""
        view = {name: getattr(self, name) for name in self.__dataclass_fields__}
        view = {
            k: (share_text(v) if k.endswith("_share") else money_text(v)) if isinstance(v, Decimal) else v
            for k, v in view.items()
        }
        return view | {"sentence": self.sentence}


@dataclass(frozen=True)
class LeafSplit:
    """One leaf's units per product line (`products[p]`) and per line and month (`months[p][month - 1]`)."""

    products: list[int]
    months: list[list[int]]


@dataclass(frozen=True, eq=False)
class CrossSplit:
    """The rules and leaf totals of a split; each leaf's lines and months are computed when asked for."""

    step: Decimal
    leaf_keys: tuple[Hashable, ...]
    product_keys: tuple[Hashable, ...]
    leaf_units: tuple[int, ...]
    product_weights: tuple[int, ...]
    product_order: tuple[int, ...]
    month_weights: tuple[tuple[int, ...], ...]  # per product
    month_splits: tuple[Callable[[int], list[int]], ...]  # per product
    leaf_index: Mapping[Hashable, int]
    product_index: Mapping[Hashable, int]

    def _at(self, leaf: Hashable, product: Hashable) -> tuple[LeafSplit, int]:
        return self.split_leaf(self.leaf_index[leaf]), self.product_index[product]

    def split_leaf(self, index: int) -> LeafSplit:
        """Leaf `index` over product lines by share, then each line over months (largest remainder both times)."""
        products = split_units(self.leaf_units[index], self.product_weights, self.product_order)
        return LeafSplit(products, [split(u) for split, u in zip(self.month_splits, products, strict=False)])

    def leaves(self) -> Iterator[LeafSplit]:
        """Every leaf's split in leaf order, one at a time: callers stream them and never hold every cell."""
        for index in range(len(self.leaf_keys)):
            yield self.split_leaf(index)

    def value(self, leaf: Hashable, product: Hashable, month: int) -> Decimal:
        """Target of one cell."""
        split, p = self._at(leaf, product)
        return from_units(split.months[p][month - 1], self.step)

    def product_value(self, leaf: Hashable, product: Hashable) -> Decimal:
        """Yearly target of one product line for one leaf (= sum of its months)."""
        split, p = self._at(leaf, product)
        return from_units(split.products[p], self.step)

    def quarter_value(self, leaf: Hashable, product: Hashable, quarter: int) -> Decimal:
        """Quarter target, rolled up from its three months."""
        split, p = self._at(leaf, product)
        months = split.months[p]
        return from_units(sum(months[m - 1] for m in QUARTER_MONTHS[quarter - 1]), self.step)

    def cells(self) -> Iterator[tuple[Hashable, Hashable, int, Decimal]]:
        """Every (leaf, product, month, value), streamed leaf by leaf."""
        step = self.step
        for leaf, split in zip(self.leaf_keys, self.leaves(), strict=False):
            for product, months in zip(self.product_keys, split.months, strict=False):
                for month, units in zip(MONTH_NUMBERS, months, strict=False):
                    yield leaf, product, month, from_units(units, step)

    def explain(self, leaf: Hashable, product: Hashable, month: int) -> CellExplanation:
        """Recompute how one cell was derived."""
        i = self.leaf_index[leaf]
        split, p = self._at(leaf, product)
        unit = Fraction(self.step)
        product_share = Fraction(self.product_weights[p], sum(self.product_weights))
        product_raw = self.leaf_units[i] * product_share
        product_units = split.products[p]
        weights = self.month_weights[p]
        month_share = Fraction(weights[month - 1], sum(weights))
        month_raw = product_units * month_share
        month_units = split.months[p][month - 1]
        return CellExplanation(
            leaf=leaf,
            product=product,
            month=month,
            step=self.step,
            leaf_value=from_units(self.leaf_units[i], self.step),
            product_share=fraction_to_decimal(product_share),
            product_raw_value=fraction_to_decimal(product_raw * unit),
            product_value=from_units(product_units, self.step),
            product_rounding_adjustment=fraction_to_decimal((product_units - product_raw) * unit),
            month_share=fraction_to_decimal(month_share),
            month_raw_value=fraction_to_decimal(month_raw * unit),
            value=from_units(month_units, self.step),
            month_rounding_adjustment=fraction_to_decimal((month_units - month_raw) * unit),
        )


def month_splitter(weights: Sequence[int]) -> Callable[[int], list[int]]:
    """A fast splitter of whole units over 12 integer month weights (ties: heavier month, then earlier)."""
    weights = tuple(weights)
    weight_sum = sum(weights)
    order = tie_order(weights, MONTH_NUMBERS)
    tails: dict[int, tuple[int, ...]] = {}

    def split(units: int) -> list[int]:
        whole, rest = divmod(units, weight_sum)
        tail = tails.get(rest)
        if tail is None:
            tail = tails[rest] = tuple(split_units(rest, weights, order))
        if not whole:
            return list(tail)
        return [whole * w + t for w, t in zip(weights, tail, strict=False)]

    return split


def cross_split(
    leaf_values: Mapping[Leaf, Any],
    product_shares: Mapping[Product, Any],
    month_profile: Sequence[Any],
    *,
    step: Any,
    product_month_profiles: Mapping[Product, Sequence[Any]] | None = None,
) -> CrossSplit:
    """Split every leaf's yearly value over products by share, then each product over months by profile."""
    step = check_step(step)
    if not leaf_values:
        raise InvalidInput("there are no leaves to split", field="leaf_values")
    if not product_shares:
        raise InvalidInput("there are no product lines to split over", field="product_shares")
    leaf_keys = tuple(leaf_values)
    leaf_units = tuple(
        to_units(non_negative(v, field=f"leaf_values[{k}]"), step, field=f"leaf_values[{k}]")
        for k, v in leaf_values.items()
    )
    product_keys = tuple(product_shares)
    shares = [non_negative(v, field=f"product_shares[{k}]") for k, v in product_shares.items()]
    if not any(shares):
        raise InvalidInput("every product share is zero, so there is nothing to split by", field="product_shares")
    product_weights = integer_weights(shares)
    product_order = tie_order(product_weights, product_keys)

    overrides = dict(product_month_profiles or {})
    for key in overrides:
        if key not in product_shares:
            raise InvalidInput(f"{key!r} has a profile but no share", field=f"product_month_profiles[{key}]")
    base = tuple(integer_weights(check_profile(month_profile, field="month_profile")))
    profiles = [
        tuple(integer_weights(check_profile(overrides[k], field=f"product_month_profiles[{k}]")))
        if k in overrides
        else base
        for k in product_keys
    ]
    splitters: dict[tuple[int, ...], Callable[[int], list[int]]] = {}
    for profile in profiles:
        if profile not in splitters:
            splitters[profile] = month_splitter(profile)  # one per distinct profile: its remainder cache is shared
    return CrossSplit(
        step=step,
        leaf_keys=leaf_keys,
        product_keys=product_keys,
        leaf_units=leaf_units,
        product_weights=tuple(product_weights),
        product_order=tuple(product_order),
        month_weights=tuple(profiles),
        month_splits=tuple(splitters[profile] for profile in profiles),
        leaf_index={k: i for i, k in enumerate(leaf_keys)},
        product_index={k: i for i, k in enumerate(product_keys)},
    )
