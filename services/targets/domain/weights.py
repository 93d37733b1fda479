"""Weights of the children by each method, normalised to exact shares across all siblings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from services.targets.domain.model import ORGANISATION_METHODS, Child, Method, SplitRequest
from services.targets.domain.rounding import fraction_to_decimal, non_negative
from shared.errors import InvalidInput

# The field a rep's manager should fix when every child weighs nothing under a method.
ZERO_WEIGHT_FIELDS = {
    Method.EQUAL: "children",
    Method.HISTORICAL_SHARE: "children[*].history",
    Method.MARKET_POTENTIAL: "children[*].indicators",
    Method.MANUAL: "children[*].manual_weight",
    Method.BLEND: "blend_weights",
}


@dataclass(frozen=True)
class Weighting:
    """The children's shares under one method (exact, summing to 1), and what they came from."""

    method: Method
    shares: list[Fraction]
    weights: list[Decimal]
    basis: str = ""
    components: tuple[tuple[Method, list[Fraction]], ...] = ()

    @property
    def zero_field(self) -> str:
        """Field to name when the unlocked children all weigh nothing."""
        return ZERO_WEIGHT_FIELDS[self.method]


def normalise(weights: Sequence[Decimal | Fraction], *, field: str, detail: str) -> list[Fraction]:
    """Turn non-negative weights into exact shares; refuse weights that are all zero."""
    total = sum((Fraction(w) for w in weights), Fraction(0))
    if total == 0:
        raise InvalidInput(detail, field=field)
    return [Fraction(w) / total for w in weights]


def equal_shares(children: Sequence[Child]) -> Weighting:
    """Every child weighs the same."""
    return Weighting(Method.EQUAL, [Fraction(1, len(children))] * len(children), [Decimal(1)] * len(children))


def historical_shares(children: Sequence[Child], period: str | None) -> Weighting:
    """Each child weighs its actual of an earlier period (e.g. last year's sales)."""
    if not period:
        raise InvalidInput("historical share needs the period whose actuals are the weights", field="history_period")
    actuals = []
    for child in children:
        history = child.history or {}
        if period not in history or history[period] is None:
            raise InvalidInput(
                f"child {child.key} has no actual for {period}, so historical share cannot weigh it",
                field=f"children[{child.key}].history",
            )
        actuals.append(non_negative(history[period], field=f"children[{child.key}].history"))
    shares = normalise(
        actuals,
        field=ZERO_WEIGHT_FIELDS[Method.HISTORICAL_SHARE],
        detail=f"every child's actual for {period} is zero, so historical share is undefined",
    )
    return Weighting(Method.HISTORICAL_SHARE, shares, actuals, basis=f"{period} actuals")


def market_potential_shares(children: Sequence[Child], indicator_weights: Mapping[str, Decimal] | None) -> Weighting:
    """Each child weighs its share of every indicator across siblings, combined by the indicator weights."""
    if not indicator_weights:
        raise InvalidInput("market potential needs at least one indicator weight", field="indicator_weights")
    counted = {
        name: non_negative(weight, field=f"indicator_weights[{name}]") for name, weight in indicator_weights.items()
    }
    indicator_shares = normalise(
        list(counted.values()), field="indicator_weights", detail="every indicator weight is zero"
    )
    scores = [Fraction(0)] * len(children)
    for (name, _), indicator_share in zip(counted.items(), indicator_shares, strict=False):
        if indicator_share == 0:
            continue
        values = []
        for child in children:
            indicators = child.indicators or {}
            if indicators.get(name) is None:
                raise InvalidInput(
                    f"child {child.key} has no {name}, so market potential cannot weigh it",
                    field=f"children[{child.key}].indicators.{name}",
                )
            values.append(non_negative(indicators[name], field=f"children[{child.key}].indicators.{name}"))
        child_shares = normalise(
            values,
            field=f"children[*].indicators.{name}",
            detail=f"every child's {name} is zero, so it cannot be turned into shares",
        )
        scores = [score + indicator_share * s for score, s in zip(scores, child_shares, strict=False)]
    basis = ", ".join(
        f"{name} {_percent(share)}" for name, share in zip(counted, indicator_shares, strict=False) if share
    )
    weights = [fraction_to_decimal(score) for score in scores]
    return Weighting(Method.MARKET_POTENTIAL, scores, weights, basis=basis)


def manual_shares(children: Sequence[Child]) -> Weighting:
    """Each child weighs what the manager typed in."""
    weights = []
    for child in children:
        if child.manual_weight is None:
            raise InvalidInput(f"child {child.key} has no manual weight", field=f"children[{child.key}].manual_weight")
        weights.append(non_negative(child.manual_weight, field=f"children[{child.key}].manual_weight"))
    shares = normalise(weights, field=ZERO_WEIGHT_FIELDS[Method.MANUAL], detail="every manual weight is zero")
    return Weighting(Method.MANUAL, shares, weights)


def blend_shares(request: SplitRequest) -> Weighting:
    """Each child weighs its shares by several methods, combined by the (normalised) blend weights."""
    if not request.blend_weights:
        raise InvalidInput("a blend needs a weight for at least one method", field="blend_weights")
    blend: dict[Method, Decimal] = {}
    for name, weight in request.blend_weights.items():
        method = as_method(name, field=f"blend_weights[{name}]")
        if method not in ORGANISATION_METHODS or method is Method.BLEND:
            raise InvalidInput(f"{method.value} cannot be part of a blend", field=f"blend_weights[{method.value}]")
        blend[method] = non_negative(weight, field=f"blend_weights[{method.value}]")
    method_shares = normalise(list(blend.values()), field="blend_weights", detail="every blend weight is zero")
    children = request.children
    scores = [Fraction(0)] * len(children)
    components = []
    for method, method_share in zip(blend, method_shares, strict=False):
        if method_share == 0:
            continue
        shares = weigh_children(request, method).shares
        components.append((method, shares))
        scores = [score + method_share * s for score, s in zip(scores, shares, strict=False)]
    basis = ", ".join(f"{m.value} {_percent(s)}" for m, s in zip(blend, method_shares, strict=False) if s)
    weights = [fraction_to_decimal(score) for score in scores]
    return Weighting(Method.BLEND, scores, weights, basis=basis, components=tuple(components))


def as_method(value: object, *, field: str = "method") -> Method:
    """Read a method name; refuse unknown ones."""
    if isinstance(value, str):
        try:
            return Method(value)
        except ValueError:
            pass
    raise InvalidInput(f"unknown method {value!r}", field=field)


def _percent(share: Fraction) -> str:
    text = f"{fraction_to_decimal(share * 100):.2f}".rstrip("0").rstrip(".")
    return f"{text} %"


def weigh_children(request: SplitRequest, method: Method | None = None) -> Weighting:
    """Weigh the request's children by its method (or the given one)."""
    method = as_method(request.method if method is None else method)
    children = request.children
    if method is Method.EQUAL:
        return equal_shares(children)
    if method is Method.HISTORICAL_SHARE:
        return historical_shares(children, request.history_period)
    if method is Method.MARKET_POTENTIAL:
        return market_potential_shares(children, request.indicator_weights)
    if method is Method.MANUAL:
        return manual_shares(children)
    if method is Method.BLEND:
        return blend_shares(request)
    raise InvalidInput(f"{method} is not a method for splitting over the organisation", field="method")
