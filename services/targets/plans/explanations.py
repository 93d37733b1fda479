"""Why a number is what it is: a parent's split replayed from its stored request, and one cell's whole chain."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import Connection, Row, select

from services.targets import db
from services.targets.domain.decomposition import decompose
from services.targets.domain.explanation import Allocation, grouped, money_text, narrate
from services.targets.domain.plan_records import request_from_json
from services.targets.domain.visibility import sees_figures, visible_children
from services.targets.people.tables import people
from services.targets.plans import tables as plan_tables
from services.targets.plans.access import cell_scope, lineage, load_plan, read_version, viewer_of
from services.targets.plans.cells import cell_key_condition
from services.targets.plans.decomposition import CellLayout
from services.targets.plans.schemas import (
    CellExplanationOut,
    CellOut,
    ExplanationStep,
    ProposalOut,
    SplitChildOut,
    SplitOut,
)
from shared.errors import NotFound
from shared.identity import Principal

splits = plan_tables.plan_splits
MAX_DEPTH = 16


def replay(row: Row) -> dict:
    """The engine's allocations for a stored split, by child key (deterministic, so identical to the first run)."""
    return {a.key: a for a in decompose(request_from_json(row.request))}


def get_split(
    conn: Connection, principal: Principal, plan_id: uuid.UUID, parent_id: uuid.UUID, version: int | None
) -> SplitOut:
    """How a parent's value was split over its children, each with its explanation and pending proposals."""
    plan = load_plan(conn, principal, plan_id)
    version = read_version(plan, principal, version)
    row = conn.execute(
        select(splits).where(splits.c.plan_id == plan.id, splits.c.version == version, splits.c.parent_id == parent_id)
    ).first()
    shown = None
    if row is not None:
        allocations = replay(row)
        # A rep sees their own line of their office's split, a manager their own of their parent's: no peer's.
        keys = [(uuid.UUID(k), k) for k in allocations]
        shown = visible_children(viewer_of(conn, principal), lineage(conn, parent_id), keys)
    if row is None or shown is None:
        raise NotFound(f"no split of {parent_id} in version {version}", field="parent_id")
    allocations = {k: allocations[k] for k in shown}
    ou = db.org_units
    kinds = {
        str(r.id): r.kind
        for r in conn.execute(select(ou.c.id, ou.c.kind).where(ou.c.id.in_([uuid.UUID(k) for k in allocations])))
    }
    p = plan_tables.plan_proposals
    pending: dict[str, list[ProposalOut]] = {}
    for proposal in conn.execute(
        select(p)
        .where(p.c.plan_id == plan.id, p.c.parent_id == parent_id, p.c.status == "pending")
        .order_by(p.c.created_at)
    ):
        pending.setdefault(str(proposal.org_unit_id), []).append(
            ProposalOut.model_validate(proposal, from_attributes=True)
        )
    children = []
    for key, allocation in allocations.items():
        e = allocation.explanation
        children.append(
            SplitChildOut(
                node_id=uuid.UUID(key),
                kind=kinds.get(key, "rep"),
                value=Decimal(row.child_values[key]),
                locked=e.locked,
                sentence=proposal_sentence(conn, plan, version, parent_id, key, allocation) or allocation.sentence,
                weight=e.weight,
                share=e.share,
                raw_value=e.raw_value,
                explanation=e.as_dict(),
                proposals=pending.get(key, []),
            )
        )
    return SplitOut(
        plan_id=plan.id,
        version=version,
        parent_id=parent_id,
        parent_kind=row.parent_kind,
        parent_value=row.parent_value,
        method=row.request["method"],
        children=children,
    )


def unit_name(conn: Connection, unit_id: uuid.UUID) -> str:
    return conn.scalar(select(db.org_units.c.name).where(db.org_units.c.id == unit_id)) or "the unit"


def proposal_sentence(
    conn: Connection, plan: Row, version: int, parent_id: uuid.UUID, child: str, allocation: Allocation
) -> str | None:
    """A value held by a proposal decision is explained by that proposal, not as a manager's lock."""
    if not allocation.explanation.locked:
        return None
    p, pv = plan_tables.plan_proposals, plan_tables.plan_versions
    row = conn.execute(
        select(p.c.status, p.c.reason, p.c.final_value, p.c.org_unit_id, pv.c.version)
        .join(pv, (pv.c.proposal_id == p.c.id) & (pv.c.plan_id == p.c.plan_id))
        .where(
            p.c.plan_id == plan.id,
            p.c.org_unit_id == uuid.UUID(child),
            p.c.status.in_(("accepted", "rebalanced")),
            pv.c.version <= version,
        )
        .order_by(pv.c.version.desc())
        .limit(1)
    ).first()
    if row is None or row.final_value != allocation.value:
        return None
    step, unit = plan.rounding_step, plan.unit
    parent, whole = unit_name(conn, parent_id), allocation.explanation.parent
    return (
        f'{unit_name(conn, row.org_unit_id)} proposed a different number ("{row.reason}") and {parent} '
        f"{row.status} it at {grouped(row.final_value, step, unit)} in version {row.version}; "
        f"the other units under {parent} share the rest of its {grouped(whole, step, unit)}, "
        f"that is {grouped(whole - row.final_value, step, unit)}."
    )


def split_chain(conn: Connection, plan_id: uuid.UUID, version: int, leaf: str) -> list[Row]:
    """The stored splits from the root down to the one that produced `leaf`."""
    chain: list[Row] = []
    key = leaf
    while len(chain) < MAX_DEPTH:
        row = conn.execute(
            select(splits).where(
                splits.c.plan_id == plan_id, splits.c.version == version, splits.c.child_values.has_key(key)
            )
        ).first()
        if row is None:
            break
        chain.append(row)
        key = str(row.parent_id)
    return chain[::-1]


def explain_cell(
    conn: Connection,
    principal: Principal,
    plan_id: uuid.UUID,
    *,
    org_unit_id: uuid.UUID,
    person_id: uuid.UUID | None,
    product_line: str,
    month: int,
    version: int | None,
) -> CellExplanationOut:
    """Each step from the root's split down to this cell, structured and as one sentence a rep can read."""
    plan = load_plan(conn, principal, plan_id)
    version = read_version(plan, principal, version)
    c = plan_tables.target_cells
    value = conn.scalar(
        select(c.c.value).where(
            c.c.plan_id == plan.id,
            c.c.version == version,
            cell_scope(principal),
            cell_key_condition(c, org_unit_id, person_id, product_line, month),
        )
    )
    if value is None:
        raise NotFound("no such target cell in this version", field="org_unit_id")
    cell = CellOut(org_unit_id=org_unit_id, person_id=person_id, product_line=product_line, month=month, value=value)
    leaf = str(person_id or org_unit_id)
    steps: list[ExplanationStep] = []
    chain = split_chain(conn, plan.id, version, leaf)
    viewer, path = viewer_of(conn, principal), lineage(conn, org_unit_id, person_id)
    for row, child in zip(chain, [str(r.parent_id) for r in chain[1:]] + [leaf], strict=False):
        # A step shows its parent's total and the child's share: only where the child is the caller's node or
        # below it, so a manager never reads the company figure and the region's share (hence a sibling's).
        child_id = uuid.UUID(child)
        if child_id in path and not sees_figures(viewer, path[: path.index(child_id) + 1]):
            continue
        allocation = replay(row)[child]
        child_name = leaf_name(conn, org_unit_id, person_id) if child == leaf else unit_name(conn, child_id)
        steps.append(
            ExplanationStep(
                kind="org_split",
                node_id=uuid.UUID(child),
                parent_id=row.parent_id,
                detail=allocation.explanation.as_dict(),
                sentence=proposal_sentence(conn, plan, version, row.parent_id, child, allocation)
                or narrate(allocation.explanation, child_name, unit_name(conn, row.parent_id), plan.unit),
            )
        )
    stored = conn.execute(
        select(plan_tables.plan_decompositions).where(
            plan_tables.plan_decompositions.c.plan_id == plan.id, plan_tables.plan_decompositions.c.version == version
        )
    ).first()
    if chain and stored is not None:
        layout = CellLayout.from_row(stored)
        if product_line in layout.product_shares:
            leaf_value = Decimal(chain[-1].child_values[leaf])
            label = leaf_name(conn, org_unit_id, person_id)  # the sentence names the leaf
            crossed = layout.split({label: leaf_value}, plan.rounding_step).explain(label, product_line, month)
            steps.append(
                ExplanationStep(
                    kind="product_month",
                    node_id=uuid.UUID(leaf),
                    parent_id=None,
                    detail=crossed.as_dict(),
                    sentence=crossed.sentence,
                )
            )
    steps += override_steps(conn, plan, version, cell)
    if not steps:
        steps.append(
            ExplanationStep(
                kind="override",
                node_id=None,
                parent_id=None,
                detail={},
                sentence=f"Set to {grouped(value, plan.rounding_step, plan.unit)} directly; no split produced it.",
            )
        )
    sentence = " Then: ".join(s.sentence for s in steps)
    return CellExplanationOut(plan_id=plan.id, version=version, cell=cell, steps=steps, sentence=sentence)


def leaf_name(conn: Connection, org_unit_id: uuid.UUID, person_id: uuid.UUID | None) -> str:
    """The rep's or the unit's name, as a rep would recognise it."""
    if person_id is not None:
        name = conn.scalar(select(people.c.name).where(people.c.id == person_id))
    else:
        name = conn.scalar(select(db.org_units.c.name).where(db.org_units.c.id == org_unit_id))
    return name or str(person_id or org_unit_id)


def override_steps(conn: Connection, plan: Row, version: int, cell: CellOut) -> list[ExplanationStep]:
    """Hand-set values (spreadsheet import, approved adjustments) up to this version, oldest first."""
    o = plan_tables.plan_cell_overrides
    rows = conn.execute(
        select(o)
        .where(
            o.c.plan_id == plan.id,
            o.c.version <= version,
            cell_key_condition(o, cell.org_unit_id, cell.person_id, cell.product_line, cell.month),
        )
        .order_by(o.c.version, o.c.id)
    )
    steps = []
    for r in rows:
        step, unit = plan.rounding_step, plan.unit
        old = "nothing" if r.old_value is None else grouped(r.old_value, step, unit)
        by = "an approved adjustment" if r.source == "adjustment" else "a spreadsheet import"
        sentence = (
            f"In version {r.version} {by} set it from {old} to {grouped(r.new_value, step, unit)}"
            + (f" because: {r.reason}" if r.reason else "")
            + "."
        )
        detail = {
            "source": r.source,
            "reference": None if r.reference is None else str(r.reference),
            "version": r.version,
            "old_value": money_text(r.old_value),
            "new_value": money_text(r.new_value),
            "reason": r.reason,
            "by": r.created_by,
        }
        steps.append(ExplanationStep(kind="override", node_id=None, parent_id=None, detail=detail, sentence=sentence))
    return steps
