"""Use cases for decomposing a draft plan down the org tree, over product lines and months, and persisting it."""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, Row, delete, or_, select
from sqlalchemy.dialects.postgresql import insert

from services.targets import db
from services.targets.domain.cross_split import CrossSplit, cross_split
from services.targets.domain.model import GrowthBounds, Method
from services.targets.domain.plan_lifecycle import check_editable
from services.targets.domain.plan_records import request_to_json, spec_from_json, spec_to_json
from services.targets.domain.plan_tree import (
    REP,
    LevelSplit,
    NodeInputs,
    PlanNode,
    PlanTree,
    TreeSpec,
    TreeSplit,
    split_tree,
    with_lock,
)
from services.targets.people.tables import people, person_assignments
from services.targets.plans import tables as plan_tables
from services.targets.plans.access import covers, load_plan
from services.targets.plans.cells import copy_cells, cross_split_chunks, delete_cells
from services.targets.plans.schemas import ChildSplitOut, DecompositionIn, DecompositionOut, SplitIn
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.identity import Principal
from shared.org.scope import subtree_ids

ou = db.org_units
# Cells stream to COPY leaf by leaf, so memory does not grow with them; time and table size do. The national
# scale (20,000 reps x 50 lines x 12 months = 12 M cells) is measured by bench/targets_decompose.py --national.
MAX_CELLS = 15_000_000
EQUAL_MONTHS = [Decimal(1)] * 12


@dataclass(frozen=True)
class CellLayout:
    """The product x month axis of a decomposition: line shares, the seasonality profile, per-line profiles."""

    product_shares: dict[str, Decimal]
    seasonality: list[Decimal]
    product_seasonality: dict[str, list[Decimal]]

    def as_json(self) -> dict:
        return {
            "product_shares": [[k, str(v)] for k, v in self.product_shares.items()],
            "seasonality": [str(v) for v in self.seasonality],
            "product_seasonality": {k: [str(v) for v in p] for k, p in self.product_seasonality.items()},
        }

    @classmethod
    def from_row(cls, row: Row) -> CellLayout:
        return cls(
            {k: Decimal(v) for k, v in row.product_shares},
            [Decimal(v) for v in row.seasonality],
            {k: [Decimal(v) for v in p] for k, p in row.product_seasonality.items()},
        )

    def split(self, leaf_values: dict[str, Decimal], step: Decimal) -> CrossSplit:
        """Each leaf over product lines by share, then each line over months (engine fields renamed to the API's)."""
        try:
            return cross_split(
                leaf_values,
                self.product_shares,
                self.seasonality,
                step=step,
                product_month_profiles=self.product_seasonality,
            )
        except InvalidInput as refused:
            field = (refused.field or "").replace("product_month_profiles", "product_seasonality")
            raise InvalidInput(refused.detail, field=field.replace("month_profile", "seasonality")) from refused


def load_tree(conn: Connection, root_id: uuid.UUID, as_of: date) -> PlanTree:
    """The org subtree under the plan's root, with the reps assigned to each unit on `as_of` as leaves."""
    tree = PlanTree(str(root_id))
    units = conn.execute(
        select(ou.c.id, ou.c.parent_id, ou.c.kind).where(ou.c.id.in_(subtree_ids(ou, root_id))).order_by(ou.c.path)
    )
    for unit in units:
        tree.add(PlanNode(str(unit.id), unit.kind, None if unit.id == root_id else str(unit.parent_id)))
    assignments = person_assignments
    reps = conn.execute(
        select(assignments.c.person_id, assignments.c.org_unit_id)
        .distinct(assignments.c.person_id)
        .join(people, people.c.id == assignments.c.person_id)
        .where(
            people.c.role == "rep",
            assignments.c.org_unit_id.in_(subtree_ids(ou, root_id)),
            assignments.c.valid_from <= as_of,
            or_(assignments.c.valid_to.is_(None), assignments.c.valid_to > as_of),
        )
        .order_by(assignments.c.person_id, assignments.c.valid_from.desc())
    )
    for rep in reps:
        tree.add(PlanNode(str(rep.person_id), REP, str(rep.org_unit_id)))
    return tree


def level_split(split: SplitIn) -> LevelSplit:
    bounds = split.growth_bounds
    return LevelSplit(
        Method(split.method),
        split.history_period,
        split.indicator_weights,
        split.blend_weights,
        None if bounds is None else GrowthBounds(bounds.min_growth, bounds.max_growth),
    )


def tree_spec(command: DecompositionIn, tree: PlanTree, imported_weights: dict[str, Decimal]) -> TreeSpec:
    """The request's methods and node inputs; imported manual weights fill nodes the request leaves without one."""
    by_kind: dict[str, LevelSplit] = {}
    for i, level in enumerate(command.levels):
        if level.parent_kind in by_kind:
            raise InvalidInput(f"{level.parent_kind} is given twice", field=f"levels[{i}].parent_kind")
        by_kind[level.parent_kind] = level_split(level)
    by_parent: dict[str, LevelSplit] = {}
    for i, override in enumerate(command.parent_splits):
        key = str(override.parent_id)
        if key in by_parent or key not in tree.nodes:
            raise InvalidInput(
                f"{key} is given twice or is not in the plan's tree", field=f"parent_splits[{i}].parent_id"
            )
        by_parent[key] = level_split(override)
    nodes: dict[str, NodeInputs] = {}
    for i, node in enumerate(command.nodes):
        key = str(node.node_id)
        if key in nodes:
            raise InvalidInput(f"node {key} is given twice", field=f"nodes[{i}].node_id")
        if key not in tree.nodes:
            raise InvalidInput(
                f"node {key} is not in the plan's tree (below its root, down to {command.leaf_level})",
                field=f"nodes[{i}].node_id",
            )
        nodes[key] = NodeInputs(
            node.locked_value,
            node.history,
            node.indicators,
            node.manual_weight if node.manual_weight is not None else imported_weights.get(key),
            node.last_year,
        )
    for key, weight in imported_weights.items():
        if key in tree.nodes and key not in nodes:
            nodes[key] = NodeInputs(manual_weight=weight)
    return TreeSpec(level_split(command.split), by_kind, by_parent, nodes)


def cell_layout(command: DecompositionIn) -> CellLayout:
    shares: dict[str, Decimal] = {}
    for i, item in enumerate(command.product_shares):
        if item.product_line in shares:
            raise InvalidInput(
                f"product line {item.product_line!r} is given twice", field=f"product_shares[{i}].product_line"
            )
        shares[item.product_line] = item.share
    profiles: dict[str, list[Decimal]] = {}
    for i, seasonal in enumerate(command.product_seasonality):
        if seasonal.product_line in profiles or seasonal.product_line not in (shares or {"": Decimal(1)}):
            raise InvalidInput(
                f"product line {seasonal.product_line!r} is given twice or has no share",
                field=f"product_seasonality[{i}].product_line",
            )
        profiles[seasonal.product_line] = list(seasonal.profile)
    return CellLayout(shares or {"": Decimal(1)}, list(command.seasonality or EQUAL_MONTHS), profiles)


def imported_weights(conn: Connection, plan_id: uuid.UUID) -> dict[str, Decimal]:
    w = plan_tables.plan_node_weights
    rows = conn.execute(select(w.c.node_id, w.c.weight).where(w.c.plan_id == plan_id))
    return {str(r.node_id): r.weight for r in rows}


def leaf_owners(tree: PlanTree, keys: Iterable[str]) -> list[tuple[str, str | None]]:
    """(org unit, person) of each leaf: a rep's cells sit on their unit."""
    owners: list[tuple[str, str | None]] = []
    for key in keys:
        node = tree.nodes[key]
        if node.kind == REP:
            assert node.parent is not None, "a rep always sits in an org unit"
            owners.append((node.parent, key))
        else:
            owners.append((key, None))
    return owners


def persist_split(
    conn: Connection,
    plan: Row,
    version: int,
    tree: PlanTree,
    result: TreeSplit,
    layout: CellLayout,
    *,
    under: uuid.UUID | None = None,
) -> CrossSplit:
    """Replace the splits and cells of a version (or of the subtree `under`) with the result, cells by COPY."""
    if len(result.leaf_values) * len(layout.product_shares) * 12 > MAX_CELLS:
        raise InvalidInput(
            f"{len(result.leaf_values)} leaves x {len(layout.product_shares)} lines x 12 months "
            f"is more than {MAX_CELLS} cells; split to a shallower leaf_level",
            field="leaf_level",
        )
    # Cells go out in org unit order: the (plan, version, org unit) index then grows at its right edge.
    owners: dict[Hashable, tuple[str, str | None]] = dict(
        zip(result.leaf_values, leaf_owners(tree, result.leaf_values), strict=False)
    )
    ordered = sorted(result.leaf_values, key=lambda k: (owners[k][0], owners[k][1] or ""))
    crossed = layout.split({k: result.leaf_values[k] for k in ordered}, plan.rounding_step)
    splits, overrides = plan_tables.plan_splits, plan_tables.plan_cell_overrides
    stale_splits = delete(splits).where(splits.c.plan_id == plan.id, splits.c.version == version)
    stale_overrides = delete(overrides).where(overrides.c.plan_id == plan.id, overrides.c.version == version)
    if under is not None:
        stale_splits = stale_splits.where(splits.c.parent_id.in_(subtree_ids(ou, under)))
        stale_overrides = stale_overrides.where(overrides.c.org_unit_id.in_(subtree_ids(ou, under)))
    conn.execute(stale_splits)
    conn.execute(stale_overrides)
    delete_cells(conn, plan.id, version, under)
    if result.parents:
        conn.execute(
            splits.insert(),
            [
                dict(
                    plan_id=plan.id,
                    version=version,
                    parent_id=uuid.UUID(p.parent),
                    parent_kind=p.kind,
                    parent_value=p.request.parent,
                    request=request_to_json(p.request),
                    child_values={a.key: str(a.value) for a in p.allocations},
                )
                for p in result.parents
            ],
        )
    copy_cells(conn, cross_split_chunks(plan.id, version, [owners[k] for k in crossed.leaf_keys], crossed))
    return crossed


def decompose_plan(
    conn: Connection, principal: Principal, plan_id: uuid.UUID, command: DecompositionIn
) -> DecompositionOut:
    """Split the root's yearly value down to the leaf level, product lines and months; store the draft's cells."""
    plan = load_plan(conn, principal, plan_id, for_update=True)
    if not covers(conn, principal, plan.root_org_unit_id):
        raise Forbidden("only a manager at or above the plan's root unit may decompose it")
    check_editable(plan.status, "decompose")
    as_of = command.as_of or date.today()
    tree = load_tree(conn, plan.root_org_unit_id, as_of).cut_at(command.leaf_level)
    spec = tree_spec(command, tree, imported_weights(conn, plan.id))
    layout = cell_layout(command)
    result = split_tree(tree, tree.root, command.parent_value, spec, step=plan.rounding_step)
    version = plan.current_version
    crossed = persist_split(conn, plan, version, tree, result, layout)
    stored = plan_tables.plan_decompositions
    values = dict(
        parent_value=command.parent_value,
        leaf_level=command.leaf_level,
        spec={**spec_to_json(spec), "as_of": as_of.isoformat()},
        created_by=principal.subject,
        **layout.as_json(),
    )
    conn.execute(
        insert(stored)
        .values(plan_id=plan.id, version=version, **values)
        .on_conflict_do_update(index_elements=[stored.c.plan_id, stored.c.version], set_=values)
    )
    root_split = result.parents[0].allocations if result.parents and result.parents[0].parent == tree.root else []
    return DecompositionOut(
        plan_id=plan.id,
        version=version,
        parent_value=command.parent_value,
        leaves=len(result.leaf_values),
        product_lines=len(layout.product_shares),
        cells=len(crossed.leaf_keys) * len(crossed.product_keys) * 12,
        children=[
            ChildSplitOut(
                node_id=uuid.UUID(str(a.key)),  # the tree's keys are org unit and person ids
                kind=tree.nodes[str(a.key)].kind,
                value=a.value,
                locked=a.explanation.locked,
                sentence=a.sentence,
            )
            for a in root_split
        ],
    )


def stored_decomposition(conn: Connection, plan_id: uuid.UUID, version: int) -> Row:
    d = plan_tables.plan_decompositions
    row = conn.execute(select(d).where(d.c.plan_id == plan_id, d.c.version == version)).first()
    if row is None:
        raise InvalidInput("the plan has no decomposition in this version; decompose it first", field="version")
    return row


def resplit_with_lock(
    conn: Connection, plan: Row, version: int, node_id: uuid.UUID, value: Decimal, decided: dict[str, Decimal]
) -> TreeSplit:
    """Re-split a node's parent in `version` with the node held at `value`: its siblings absorb the difference.

    Siblings settled by earlier decisions (`decided`) keep their values while an undecided sibling can absorb
    the difference; when none can, they absorb it too. Nothing is stored as a lock: the next decision starts
    from the decomposition as the manager made it, so decisions leave no phantom locks.
    """
    stored = stored_decomposition(conn, plan.id, version)
    spec = spec_from_json(stored.spec)
    tree = load_tree(conn, plan.root_org_unit_id, date.fromisoformat(stored.spec["as_of"])).cut_at(stored.leaf_level)
    key = str(node_id)
    if key not in tree.nodes or tree.nodes[key].parent is None:
        raise InvalidInput(f"org unit {node_id} is not a child in the plan's tree", field="org_unit_id")
    parent = tree.nodes[key].parent
    assert parent is not None  # checked just above
    splits = plan_tables.plan_splits
    parent_value = conn.scalar(
        select(splits.c.parent_value).where(
            splits.c.plan_id == plan.id, splits.c.version == version, splits.c.parent_id == uuid.UUID(parent)
        )
    )
    if parent_value is None:
        raise NotFound(f"no split of {parent} in version {version}", field="org_unit_id")
    if value > parent_value:
        raise InvalidInput(f"{value} is more than the parent's whole {parent_value}", field="value")
    siblings = [k for k in tree.kids(parent) if k != key]
    held = {k: v for k, v in decided.items() if k in siblings}
    free = [k for k in siblings if k not in held and (spec.nodes.get(k) or NodeInputs()).locked_value is None]
    if not free or value + sum(held.values(), Decimal(0)) > parent_value:
        held = {}  # no undecided sibling can absorb the difference: the earlier decisions give way
    locked = with_lock(spec, key, value)
    for sibling, amount in held.items():
        locked = with_lock(locked, sibling, amount)
    result = split_tree(tree, parent, parent_value, locked, step=plan.rounding_step)
    persist_split(conn, plan, version, tree, result, CellLayout.from_row(stored), under=uuid.UUID(parent))
    return result
