"""Use cases for bottom-up proposals before approval: propose, then the parent accepts, rejects or rebalances."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import Connection, Row, select
from sqlalchemy.orm import aliased

from services.targets import db
from services.targets.domain.explanation import grouped
from services.targets.domain.plan_lifecycle import check_open_to_proposals
from services.targets.domain.plan_proposals import check_proposed_value
from services.targets.domain.plan_versions import RequestStatus, check_decider, check_pending, check_reason
from services.targets.domain.rounding import as_decimal, check_step, to_units
from services.targets.plans import tables as plan_tables
from services.targets.plans.access import covers, load_plan
from services.targets.plans.decomposition import resplit_with_lock
from services.targets.plans.integrity import ensure_whole
from services.targets.plans.schemas import DecisionIn, ProposalIn, ProposalOut, RebalanceIn
from services.targets.plans.versions import copy_version
from shared.db import utcnow
from shared.errors import Conflict, InvalidInput, NotFound
from shared.identity import Principal, Role
from shared.ids import new_uuid
from shared.org.scope import scope_condition

proposals = plan_tables.plan_proposals
splits = plan_tables.plan_splits


def proposal_out(row: Row) -> ProposalOut:
    return ProposalOut.model_validate(row, from_attributes=True)


def propose(conn: Connection, principal: Principal, plan_id: uuid.UUID, command: ProposalIn) -> ProposalOut:
    """A child unit's manager asks for a different yearly number for their unit, with a reason."""
    plan = load_plan(conn, principal, plan_id)
    check_open_to_proposals(plan.status)
    if not covers(conn, principal, command.org_unit_id):
        raise NotFound(f"org unit {command.org_unit_id} not found", field="org_unit_id")
    reason = check_reason(command.reason)
    split = conn.execute(
        select(splits.c.parent_id, splits.c.parent_value, splits.c.child_values).where(
            splits.c.plan_id == plan.id,
            splits.c.version == plan.current_version,
            splits.c.child_values.has_key(str(command.org_unit_id)),
        )
    ).first()
    if split is None:
        raise InvalidInput(
            f"org unit {command.org_unit_id} has no top-down number in this plan yet; "
            "propose after the plan is decomposed",
            field="org_unit_id",
        )
    split_value = Decimal(split.child_values[str(command.org_unit_id)])
    value = check_proposed_value(command.proposed_value, split_value, split.parent_value, plan.rounding_step)
    proposal_id = command.id or new_uuid()
    if conn.scalar(select(proposals.c.id).where(proposals.c.id == proposal_id)):
        raise Conflict(f"proposal {proposal_id} already exists", field="id")
    row = conn.execute(
        proposals.insert()
        .values(
            id=proposal_id,
            plan_id=plan.id,
            version=plan.current_version,
            org_unit_id=command.org_unit_id,
            parent_id=split.parent_id,
            split_value=split_value,
            proposed_value=value,
            reason=reason,
            status=RequestStatus.pending.value,
            proposed_by=principal.subject,
        )
        .returning(*proposals.c)
    ).one()
    return proposal_out(row)


def list_proposals(
    conn: Connection,
    principal: Principal,
    plan_id: uuid.UUID,
    *,
    status: str | None,
    parent_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> list[ProposalOut]:
    """Proposals for units in the caller's subtree (reps see none), oldest first."""
    plan = load_plan(conn, principal, plan_id)
    if principal.role == Role.rep:
        return []
    query = select(proposals).where(
        proposals.c.plan_id == plan.id, scope_condition(db.org_units, principal, proposals.c.org_unit_id)
    )
    if status is not None:
        query = query.where(proposals.c.status == status)
    if parent_id is not None:
        query = query.where(proposals.c.parent_id == parent_id)
    query = query.order_by(proposals.c.created_at, proposals.c.id).limit(limit).offset(offset)
    return [proposal_out(r) for r in conn.execute(query)]


def _load(conn: Connection, principal: Principal, plan_id: uuid.UUID, proposal_id: uuid.UUID) -> tuple[Row, Row]:
    plan = load_plan(conn, principal, plan_id, for_update=True)
    row = conn.execute(
        select(proposals).where(proposals.c.id == proposal_id, proposals.c.plan_id == plan.id).with_for_update()
    ).first()
    if row is None or not covers(conn, principal, row.org_unit_id):
        raise NotFound(f"proposal {proposal_id} not found", field="proposal_id")
    return plan, row


def _decide(conn: Connection, principal: Principal, plan_id: uuid.UUID, proposal_id: uuid.UUID) -> tuple[Row, Row]:
    """The parent decides: a manager whose subtree holds the proposing unit's parent, not the proposer."""
    plan, row = _load(conn, principal, plan_id, proposal_id)
    check_decider(
        principal.role,
        is_requester=principal.subject == row.proposed_by,
        above_requester=covers(conn, principal, row.parent_id),
        what="proposal",
    )
    check_pending(row.status, "proposal")
    check_open_to_proposals(plan.status)
    # Earlier decisions make newer versions of the same draft: a sibling's proposal stays open to decide.
    return plan, row


def _decided_siblings(conn: Connection, row: Row) -> dict[str, Decimal]:
    """Values earlier decisions gave this unit's siblings (the latest decision per sibling)."""
    earlier = aliased(proposals)
    decided = (RequestStatus.accepted.value, RequestStatus.rebalanced.value)
    rows = conn.execute(
        select(earlier.c.org_unit_id, earlier.c.final_value)
        .distinct(earlier.c.org_unit_id)
        .where(
            earlier.c.plan_id == row.plan_id,
            earlier.c.parent_id == row.parent_id,
            earlier.c.org_unit_id != row.org_unit_id,
            earlier.c.status.in_(decided),
        )
        .order_by(earlier.c.org_unit_id, earlier.c.decided_at.desc())
    )
    return {str(r.org_unit_id): r.final_value for r in rows}


def _unit_name(conn: Connection, unit_id: uuid.UUID) -> str:
    return conn.scalar(select(db.org_units.c.name).where(db.org_units.c.id == unit_id)) or "the unit"


def _new_version(
    conn: Connection, principal: Principal, plan: Row, row: Row, status: RequestStatus, final: Decimal | None
) -> int:
    """Each decision is a version of the draft: the cells as decided, its reason, and the proposal behind it."""
    old, new = plan.current_version, plan.current_version + 1
    copy_version(conn, plan.id, old, new)
    if final is not None:
        resplit_with_lock(conn, plan, new, row.org_unit_id, final, _decided_siblings(conn, row))
    ensure_whole(conn, plan.id, old, new)
    what = "rejected" if final is None else f"{status.value} at {grouped(final, plan.rounding_step, plan.unit)}"
    reason = f"Proposal from {_unit_name(conn, row.org_unit_id)} {what}: {row.reason}"
    conn.execute(
        plan_tables.plan_versions.insert().values(
            plan_id=plan.id,
            version=new,
            reason=reason[:500],
            created_by=principal.subject,
            based_on=old,
            proposal_id=row.id,
        )
    )
    targets = plan_tables.target_plans
    conn.execute(targets.update().where(targets.c.id == plan.id).values(current_version=new))
    return new


def _close(
    conn: Connection, principal: Principal, row: Row, status: RequestStatus, final: Decimal | None, note: str | None
) -> ProposalOut:
    done = conn.execute(
        proposals.update()
        .where(proposals.c.id == row.id)
        .values(
            status=status.value,
            final_value=final,
            decided_by=principal.subject,
            decided_at=utcnow(),
            decision_note=note,
        )
        .returning(*proposals.c)
    ).one()
    return proposal_out(done)


def accept(
    conn: Connection, principal: Principal, plan_id: uuid.UUID, proposal_id: uuid.UUID, command: DecisionIn
) -> ProposalOut:
    """The proposal replaces the split value; unlocked siblings are re-split so the parent's total holds."""
    plan, row = _decide(conn, principal, plan_id, proposal_id)
    _new_version(conn, principal, plan, row, RequestStatus.accepted, row.proposed_value)
    return _close(conn, principal, row, RequestStatus.accepted, row.proposed_value, command.note)


def reject(
    conn: Connection, principal: Principal, plan_id: uuid.UUID, proposal_id: uuid.UUID, command: DecisionIn
) -> ProposalOut:
    """The top-down number stays; the decision is still a version of its own, with no changed cell."""
    plan, row = _decide(conn, principal, plan_id, proposal_id)
    _new_version(conn, principal, plan, row, RequestStatus.rejected, None)
    return _close(conn, principal, row, RequestStatus.rejected, None, command.note)


def rebalance(
    conn: Connection, principal: Principal, plan_id: uuid.UUID, proposal_id: uuid.UUID, command: RebalanceIn
) -> ProposalOut:
    """The parent settles on its own value for the child (e.g. halfway); siblings absorb the difference."""
    plan, row = _decide(conn, principal, plan_id, proposal_id)
    value = as_decimal(command.value, field="value")
    if value < 0:
        raise InvalidInput(f"value may not be negative, got {value}", field="value")
    to_units(value, check_step(plan.rounding_step), field="value")
    _new_version(conn, principal, plan, row, RequestStatus.rebalanced, value)
    return _close(conn, principal, row, RequestStatus.rebalanced, value, command.note)
