"""The bulk path: each org leaf's yearly target split over product lines, then each line over months.

Works in integer units of the step with integer weights. The month split uses that splitting
v = a·W + b units over weights w (sum W) gives a·w + split(b): the remainders depend only on b,
so one largest-remainder run per distinct b serves every cell. Explanations are not stored per
cell; `explain` recomputes one cell's arithmetic on demand.
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


@dataclass(frozen=True, eq=False)
class CrossSplit:
    """Units per leaf × product × month (`units[leaf][product][month - 1]`), exact at every level."""

    step: Decimal
    leaf_keys: tuple[Hashable, ...]
    product_keys: tuple[Hashable, ...]
    leaf_units: tuple[int, ...]
    product_weights: tuple[int, ...]
    month_weights: tuple[tuple[int, ...], ...]  # per product
    product_units: list[list[int]]
    units: list[list[list[int]]]
    leaf_index: Mapping[Hashable, int]
    product_index: Mapping[Hashable, int]

    def _at(self, leaf: Hashable, product: Hashable) -> tuple[int, int]:
        return self.leaf_index[leaf], self.product_index[product]

    def value(self, leaf: Hashable, product: Hashable, month: int) -> Decimal:
        """Target of one cell."""
        i, p = self._at(leaf, product)
        return from_units(self.units[i][p][month - 1], self.step)

    def product_value(self, leaf: Hashable, product: Hashable) -> Decimal:
        """Yearly target of one product line for one leaf (= sum of its months)."""
        i, p = self._at(leaf, product)
        return from_units(self.product_units[i][p], self.step)

    def quarter_value(self, leaf: Hashable, product: Hashable, quarter: int) -> Decimal:
        """Quarter target, rolled up from its three months."""
        i, p = self._at(leaf, product)
        months = self.units[i][p]
        return from_units(sum(months[m - 1] for m in QUARTER_MONTHS[quarter - 1]), self.step)

    def cells(self) -> Iterator[tuple[Hashable, Hashable, int, Decimal]]:
        """Every (leaf, product, month, value), for bulk writes."""
        step = self.step
        for leaf, per_product in zip(self.leaf_keys, self.units, strict=False):
            for product, months in zip(self.product_keys, per_product, strict=False):
                for month, units in zip(MONTH_NUMBERS, months, strict=False):
                    yield leaf, product, month, from_units(units, step)

    def explain(self, leaf: Hashable, product: Hashable, month: int) -> CellExplanation:
        """Recompute how one cell was derived."""
        i, p = self._at(leaf, product)
        unit = Fraction(self.step)
        product_share = Fraction(self.product_weights[p], sum(self.product_weights))
        product_raw = self.leaf_units[i] * product_share
        product_units = self.product_units[i][p]
        weights = self.month_weights[p]
        month_share = Fraction(weights[month - 1], sum(weights))
        month_raw = product_units * month_share
        month_units = self.units[i][p][month - 1]
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
            splitters[profile] = month_splitter(profile)

    product_units: list[list[int]] = []
    units: list[list[list[int]]] = []
    if len(splitters) == 1:
        split = splitters[base] if base in splitters else next(iter(splitters.values()))
        for total in leaf_units:
            per_product = split_units(total, product_weights, product_order)
            product_units.append(per_product)
            units.append([split(u) for u in per_product])
    else:
        per_line = [splitters[profile] for profile in profiles]
        for total in leaf_units:
            per_product = split_units(total, product_weights, product_order)
            product_units.append(per_product)
            units.append([split(u) for split, u in zip(per_line, per_product, strict=False)])
    return CrossSplit(
        step=step,
        leaf_keys=leaf_keys,
        product_keys=product_keys,
        leaf_units=leaf_units,
        product_weights=tuple(product_weights),
        month_weights=tuple(profiles),
        product_units=product_units,
        units=units,
        leaf_index={k: i for i, k in enumerate(leaf_keys)},
        product_index={k: i for i, k in enumerate(product_keys)},
    )
