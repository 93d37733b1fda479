"""Decomposing down a plan's tree level by level, with hand-worked numbers; locks; refusals naming the field."""

from decimal import Decimal as D

import pytest

from services.targets.domain.decomposition import decompose
from services.targets.domain.model import GrowthBounds, Method
from services.targets.domain.plan_records import request_from_json, request_to_json, spec_from_json, spec_to_json
from services.targets.domain.plan_tree import (
    LevelSplit,
    NodeInputs,
    PlanNode,
    PlanTree,
    TreeSpec,
    split_tree,
    with_lock,
)
from shared.errors import InvalidInput


def region_tree() -> PlanTree:
    """R -> provinces p1, p2; p1 -> offices o1, o2; p2 -> o3; reps: o1: a1, a2; o2: b1; o3: c1, c2, c3."""
    tree = PlanTree("R")
    for key, kind, parent in [
        ("R", "region", None),
        ("p1", "province", "R"),
        ("p2", "province", "R"),
        ("o1", "office", "p1"),
        ("o2", "office", "p1"),
        ("o3", "office", "p2"),
        ("a1", "rep", "o1"),
        ("a2", "rep", "o1"),
        ("b1", "rep", "o2"),
        ("c1", "rep", "o3"),
        ("c2", "rep", "o3"),
        ("c3", "rep", "o3"),
    ]:
        tree.add(PlanNode(key, kind, parent))
    return tree


def spec(**nodes) -> TreeSpec:
    return TreeSpec(
        default=LevelSplit(Method.EQUAL),
        by_kind={
            "region": LevelSplit(Method.HISTORICAL_SHARE, history_period="2026"),
            "office": LevelSplit(Method.MANUAL),
        },
        nodes={
            "p1": NodeInputs(history={"2026": D(300)}),
            "p2": NodeInputs(history={"2026": D(100)}),
            "a1": NodeInputs(manual_weight=D(2)),
            "a2": NodeInputs(manual_weight=D(1)),
            "b1": NodeInputs(manual_weight=D(1)),
            "c1": NodeInputs(manual_weight=D(1)),
            "c2": NodeInputs(manual_weight=D(1)),
            "c3": NodeInputs(manual_weight=D(1)),
            **nodes,
        },
    )


def test_each_level_uses_its_own_method_and_leaves_sum_to_the_root():
    # R 12000 by 2026 actuals 300:100 -> p1 9000, p2 3000. Provinces split equally: p1 -> o1 4500, o2 4500;
    # p2 -> o3 3000. Offices by manual weight: o1 2:1 -> a1 3000, a2 1500; o2 -> b1 4500; o3 1:1:1 -> 1000 each.
    result = split_tree(region_tree(), "R", D(12000), spec(), step=D(1))
    assert result.leaf_values == {
        "a1": D(3000),
        "a2": D(1500),
        "b1": D(4500),
        "c1": D(1000),
        "c2": D(1000),
        "c3": D(1000),
    }
    assert sum(result.leaf_values.values()) == D(12000)
    assert [p.parent for p in result.parents] == ["R", "p1", "p2", "o1", "o2", "o3"]
    assert result.parents[0].request.method is Method.HISTORICAL_SHARE


def test_a_lock_keeps_its_value_and_the_siblings_share_the_rest():
    # o2 locked at 5000 inside p1's 9000 -> o1 gets the remaining 4000 -> a1 2/3 = 2666.67, a2 1333.33;
    # floors 2666 + 1333 = 3999, one unit left, equal remainders (2/3 vs 1/3? a1 .67, a2 .33) -> a1: 2667 / 1333.
    result = split_tree(region_tree(), "R", D(12000), spec(o2=NodeInputs(locked_value=D(5000))), step=D(1))
    assert result.leaf_values["b1"] == D(5000)
    assert (result.leaf_values["a1"], result.leaf_values["a2"]) == (D(2667), D(1333))
    assert sum(result.leaf_values.values()) == D(12000)


def test_splitting_from_a_middle_node_touches_only_its_subtree():
    # with_lock(p2 = 4000) and a re-split from R: p1 gets 12000 - 4000 = 8000 -> o1 4000, o2 4000;
    # o3 = 4000 over three reps: 1333.33 each -> 1334 / 1333 / 1333 (the extra unit to the smallest key c1).
    locked = with_lock(spec(), "p2", D(4000))
    result = split_tree(region_tree(), "R", D(12000), locked, step=D(1))
    assert result.leaf_values["c1"] == D(1334) and result.leaf_values["c2"] == result.leaf_values["c3"] == D(1333)
    assert locked.nodes["p2"].history == {"2026": D(100)}  # the lock keeps the node's other inputs
    below = split_tree(region_tree(), "o3", D(3000), spec(), step=D(1))
    assert below.leaf_values == {"c1": D(1000), "c2": D(1000), "c3": D(1000)}


def test_cut_at_a_level_makes_its_nodes_leaves():
    tree = region_tree().cut_at("office")
    assert sorted(k for k in tree.nodes if not tree.kids(k)) == ["o1", "o2", "o3"]
    full = spec()
    above_reps = TreeSpec(full.default, full.by_kind, nodes={k: v for k, v in full.nodes.items() if k in tree.nodes})
    result = split_tree(tree, "R", D(12000), above_reps, step=D(1))
    assert result.leaf_values == {"o1": D(4500), "o2": D(4500), "o3": D(3000)}
    with pytest.raises(InvalidInput, match="a1 is not in the plan's tree"):  # inputs for nodes below the cut
        split_tree(tree, "R", D(12000), full, step=D(1))
    with pytest.raises(InvalidInput) as caught:
        region_tree().cut_at("planet")
    assert caught.value.field == "leaf_level"


@pytest.mark.parametrize(
    ("nodes", "field", "words"),
    [
        ({"p2": NodeInputs()}, "nodes[p2].history", "no actual for 2026"),
        (
            {"p1": NodeInputs(history={"2026": D(0)}), "p2": NodeInputs(history={"2026": D(0)})},
            "nodes[*].history",
            "is zero",
        ),
        (
            {"o1": NodeInputs(locked_value=D(6000)), "o2": NodeInputs(locked_value=D(6000))},
            "nodes[*].locked_value",
            "more than the parent 9000",
        ),
        ({"p1": NodeInputs(history={"2026": D(-5)})}, "nodes[p1].history", "negative"),
        ({"zz": NodeInputs()}, "nodes[zz]", "not in the plan's tree"),
    ],
)
def test_invalid_input_is_refused_naming_the_field_in_request_terms(nodes, field, words):
    with pytest.raises(InvalidInput) as caught:
        split_tree(region_tree(), "R", D(12000), spec(**nodes), step=D(1))
    assert caught.value.field == field
    assert words in caught.value.detail


def test_method_parameters_are_named_by_where_the_method_came_from():
    bad = TreeSpec(by_kind={"region": LevelSplit(Method.HISTORICAL_SHARE)})
    with pytest.raises(InvalidInput) as caught:
        split_tree(region_tree(), "R", D(12000), bad, step=D(1))
    assert caught.value.field == "levels.region.history_period"
    with pytest.raises(InvalidInput) as caught:
        split_tree(region_tree(), "R", D(-1), spec(), step=D(1))
    assert caught.value.field == "parent_value"


def test_records_round_trip_and_replay_to_the_same_allocations():
    bounded = TreeSpec(
        default=LevelSplit(
            Method.BLEND,
            "2026",
            {"population": D(2)},
            {"historical_share": D("0.7"), "equal": D("0.3")},
            GrowthBounds(D("-0.1"), D("0.2")),
        ),
        nodes={"p1": NodeInputs(D(5), {"2026": D(1)}, {"population": D(3)}, D(2), D(4))},
    )
    assert spec_from_json(spec_to_json(bounded)) == bounded
    first = split_tree(region_tree(), "R", D(12000), spec(), step=D(1)).parents[0]
    replayed = decompose(request_from_json(request_to_json(first.request)))
    assert [(a.key, a.value, a.sentence) for a in replayed] == [(a.key, a.value, a.sentence) for a in first.allocations]
