"""Plain-JSON records of a decomposition (numbers as strings), so a split can be stored and replayed exactly."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from services.targets.domain.model import Child, GrowthBounds, Method, SplitRequest
from services.targets.domain.plan_tree import LevelSplit, NodeInputs, TreeSpec


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _numbers(values: Mapping[str, Any] | None) -> dict[str, Decimal] | None:
    return None if values is None else {k: Decimal(v) for k, v in values.items()}


def _texts(values: Mapping[str, Any] | None) -> dict[str, str] | None:
    return None if values is None else {str(k): str(v) for k, v in values.items()}


def bounds_to_json(bounds: GrowthBounds | None) -> dict[str, Any] | None:
    if bounds is None:
        return None
    return {"min_growth": _text(bounds.min_growth), "max_growth": _text(bounds.max_growth)}


def bounds_from_json(data: Mapping[str, Any] | None) -> GrowthBounds | None:
    if data is None:
        return None
    return GrowthBounds(_number(data.get("min_growth")), _number(data.get("max_growth")))


def level_to_json(level: LevelSplit) -> dict[str, Any]:
    return {
        "method": level.method.value,
        "history_period": level.history_period,
        "indicator_weights": _texts(level.indicator_weights),
        "blend_weights": _texts(level.blend_weights),
        "growth_bounds": bounds_to_json(level.growth_bounds),
    }


def level_from_json(data: Mapping[str, Any]) -> LevelSplit:
    return LevelSplit(
        Method(data["method"]),
        data.get("history_period"),
        _numbers(data.get("indicator_weights")),
        _numbers(data.get("blend_weights")),
        bounds_from_json(data.get("growth_bounds")),
    )


def inputs_to_json(inputs: NodeInputs | Child) -> dict[str, Any]:
    out = {
        "locked_value": _text(inputs.locked_value),
        "history": _texts(inputs.history),
        "indicators": _texts(inputs.indicators),
        "manual_weight": _text(inputs.manual_weight),
        "last_year": _text(inputs.last_year),
    }
    return {k: v for k, v in out.items() if v is not None}


def inputs_from_json(data: Mapping[str, Any]) -> NodeInputs:
    return NodeInputs(
        _number(data.get("locked_value")),
        _numbers(data.get("history")),
        _numbers(data.get("indicators")),
        _number(data.get("manual_weight")),
        _number(data.get("last_year")),
    )


def spec_to_json(spec: TreeSpec) -> dict[str, Any]:
    """The whole tree spec: default, per-kind and per-parent splits, node inputs."""
    return {
        "default": level_to_json(spec.default),
        "by_kind": {k: level_to_json(v) for k, v in spec.by_kind.items()},
        "by_parent": {k: level_to_json(v) for k, v in spec.by_parent.items()},
        "nodes": {k: inputs_to_json(v) for k, v in spec.nodes.items()},
    }


def spec_from_json(data: Mapping[str, Any]) -> TreeSpec:
    return TreeSpec(
        level_from_json(data["default"]),
        {k: level_from_json(v) for k, v in data.get("by_kind", {}).items()},
        {k: level_from_json(v) for k, v in data.get("by_parent", {}).items()},
        {k: inputs_from_json(v) for k, v in data.get("nodes", {}).items()},
    )


def request_to_json(request: SplitRequest) -> dict[str, Any]:
    """One parent's split request: parent value, step, method and parameters, children with their inputs."""
    level = LevelSplit(
        Method(request.method),
        request.history_period,
        request.indicator_weights,
        _method_keys(request.blend_weights),
        request.growth_bounds,
    )
    return {
        "parent": str(request.parent),
        "step": str(request.step),
        **level_to_json(level),
        "children": [{"key": c.key, **inputs_to_json(c)} for c in request.children],
    }


def request_from_json(data: Mapping[str, Any]) -> SplitRequest:
    level = level_from_json(data)
    children = []
    for child in data["children"]:
        inputs = inputs_from_json(child)
        children.append(
            Child(
                child["key"],
                inputs.locked_value,
                inputs.history,
                inputs.indicators,
                inputs.manual_weight,
                inputs.last_year,
            )
        )
    return SplitRequest(
        Decimal(data["parent"]),
        children,
        level.method,
        Decimal(data["step"]),
        level.history_period,
        level.indicator_weights,
        level.blend_weights,
        level.growth_bounds,
    )


def _method_keys(weights: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if weights is None else {str(getattr(k, "value", k)): v for k, v in weights.items()}
