"""Decomposing a plan down the org tree, level by level (company -> region -> province -> office -> team/rep).

Each parent's value is split over its children with the existing engine (`decompose`); the method comes
from the parent's own override, else its kind's, else the plan's default. The result keeps, per parent,
the exact request it was split with, so any child's number can be explained again later.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from services.targets.domain.decomposition import decompose
from services.targets.domain.explanation import Allocation
from services.targets.domain.model import Child, GrowthBounds, Method, SplitRequest
from services.targets.domain.rounding import check_step, non_negative, to_units
from shared.errors import InvalidInput

REP = "rep"
LEVELS = ("company", "region", "province", "office", "team", REP)


@dataclass(frozen=True)
class PlanNode:
    """A node of the plan's tree: an org unit (kind company..team) or a rep (kind "rep") below their unit."""

    key: str
    kind: str
    parent: str | None


@dataclass
class PlanTree:
    """Nodes by key and each node's children, from the plan's root unit down."""

    root: str
    nodes: dict[str, PlanNode] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)

    def add(self, node: PlanNode) -> None:
        self.nodes[node.key] = node
        if node.parent is not None:
            self.children.setdefault(node.parent, []).append(node.key)

    def kids(self, key: str) -> list[str]:
        return self.children.get(key, [])

    def path_to(self, key: str) -> list[str]:
        """Keys from the root down to `key`."""
        path = [key]
        while (parent := self.nodes[path[-1]].parent) is not None:
            path.append(parent)
        return path[::-1]

    def below(self, key: str) -> list[str]:
        """`key` and every node under it, parents before children."""
        out, queue = [], deque([key])
        while queue:
            node = queue.popleft()
            out.append(node)
            queue.extend(self.kids(node))
        return out

    def cut_at(self, leaf_level: str) -> PlanTree:
        """The same tree with nothing below nodes of `leaf_level` (reps are the deepest level)."""
        if leaf_level not in LEVELS:
            raise InvalidInput(f"unknown level {leaf_level!r}", field="leaf_level")
        depth = LEVELS.index(leaf_level)
        cut = PlanTree(self.root)
        for key in self.below(self.root):
            node = self.nodes[key]
            if node.parent is None or key == self.root:
                cut.add(PlanNode(key, node.kind, None))
                continue
            parent = self.nodes[node.parent]
            if LEVELS.index(parent.kind) < depth and node.parent in cut.nodes:
                cut.add(node)
        return cut


@dataclass(frozen=True)
class LevelSplit:
    """How one parent's value is split over its children (the engine's method and its parameters)."""

    method: Method = Method.EQUAL
    history_period: str | None = None
    indicator_weights: Mapping[str, Decimal] | None = None
    blend_weights: Mapping[str, Decimal] | None = None
    growth_bounds: GrowthBounds | None = None


@dataclass(frozen=True)
class NodeInputs:
    """What the methods weigh one child by, and the manager's lock on it."""

    locked_value: Decimal | None = None
    history: Mapping[str, Decimal] | None = None
    indicators: Mapping[str, Decimal] | None = None
    manual_weight: Decimal | None = None
    last_year: Decimal | None = None


@dataclass(frozen=True)
class TreeSpec:
    """The method for every parent (own override > its kind's > default) and the inputs of every node."""

    default: LevelSplit = LevelSplit()
    by_kind: Mapping[str, LevelSplit] = field(default_factory=dict)
    by_parent: Mapping[str, LevelSplit] = field(default_factory=dict)
    nodes: Mapping[str, NodeInputs] = field(default_factory=dict)

    def split_for(self, parent: PlanNode) -> tuple[LevelSplit, str]:
        """The split of a parent and the request field it came from (for error messages)."""
        if parent.key in self.by_parent:
            return self.by_parent[parent.key], f"parent_splits[{parent.key}]"
        if parent.kind in self.by_kind:
            return self.by_kind[parent.kind], f"levels.{parent.kind}"
        return self.default, "split"


@dataclass(frozen=True)
class ParentSplit:
    """One parent's split: the exact request and the allocations (value and explanation per child)."""

    parent: str
    kind: str
    request: SplitRequest
    allocations: list[Allocation]


@dataclass(frozen=True)
class TreeSplit:
    """Every leaf's value (summing exactly to the start value) and every parent's split."""

    leaf_values: dict[str, Decimal]
    parents: list[ParentSplit]


def child_inputs(key: str, inputs: NodeInputs | None) -> Child:
    if inputs is None:
        return Child(key)
    return Child(
        key,
        locked_value=inputs.locked_value,
        history=inputs.history,
        indicators=inputs.indicators,
        manual_weight=inputs.manual_weight,
        last_year=inputs.last_year,
    )


_ENGINE_FIELD = re.compile(r"^children\[([^\]]*)\]")


def request_field(engine_field: str | None, source: str) -> str | None:
    """Name a field the engine refused in the API's terms: children[k].x -> nodes[k].x, method fields -> source.x."""
    if engine_field is None:
        return source
    if engine_field.startswith("children"):
        return _ENGINE_FIELD.sub(lambda m: f"nodes[{m.group(1)}]", engine_field)
    return f"{source}.{engine_field}"


def split_parent(tree: PlanTree, key: str, value: Decimal, spec: TreeSpec, step: Decimal) -> ParentSplit:
    """Split one parent's value over its children with the engine."""
    parent = tree.nodes[key]
    level, source = spec.split_for(parent)
    children = [child_inputs(k, spec.nodes.get(k)) for k in tree.kids(key)]
    request = SplitRequest(
        parent=value,
        children=children,
        method=level.method,
        step=step,
        history_period=level.history_period,
        indicator_weights=level.indicator_weights,
        blend_weights=level.blend_weights,
        growth_bounds=level.growth_bounds,
    )
    try:
        allocations = decompose(request)
    except InvalidInput as refused:
        raise InvalidInput(
            f"splitting {parent.kind} {key}: {refused.detail}", field=request_field(refused.field, source)
        ) from refused
    return ParentSplit(key, parent.kind, request, allocations)


def split_tree(tree: PlanTree, start: str, value: Decimal, spec: TreeSpec, *, step: Decimal) -> TreeSplit:
    """Split `value` from node `start` down to the leaves, breadth first; leaves sum exactly to `value`."""
    step = check_step(step)
    value = non_negative(value, field="parent_value")
    to_units(value, step, field="parent_value")
    unknown = [k for k in spec.nodes if k not in tree.nodes]
    if unknown:
        raise InvalidInput(f"node {unknown[0]} is not in the plan's tree", field=f"nodes[{unknown[0]}]")
    leaf_values: dict[str, Decimal] = {}
    parents: list[ParentSplit] = []
    queue = deque([(start, value)])
    while queue:
        key, amount = queue.popleft()
        if not tree.kids(key):
            leaf_values[key] = amount
            continue
        split = split_parent(tree, key, amount, spec, step)
        parents.append(split)
        for allocation in split.allocations:
            assert isinstance(allocation.key, str), "a plan tree's keys are strings"
            queue.append((allocation.key, allocation.value))
    return TreeSplit(leaf_values, parents)


def with_lock(spec: TreeSpec, key: str, value: Decimal) -> TreeSpec:
    """The same spec with one node locked at a value (a proposal the parent accepted)."""
    nodes = dict(spec.nodes)
    current = nodes.get(key) or NodeInputs()
    nodes[key] = NodeInputs(value, current.history, current.indicators, current.manual_weight, current.last_year)
    return TreeSpec(spec.default, spec.by_kind, spec.by_parent, nodes)
