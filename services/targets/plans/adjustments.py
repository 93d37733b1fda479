"""Use cases for changing a published plan: adjustment requests and their approval into a new version."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, Row, select, true

from services.targets import db
from services.targets.domain.plan_integrity import check_existing_cells, check_open_months, closed_months
from services.targets.domain.plan_lifecycle import check_adjustable
from services.targets.domain.plan_versions import (
    CellKey,
    RequestStatus,
    check_changes,
    check_decider,
    check_pending,
    check_reason,
)
from services.targets.people.service import ensure_people_in_scope
from services.targets.plans import tables as plan_tables
from services.targets.plans.access import above, covers, in_plan, load_plan
from services.targets.plans.integrity import current_values, ensure_whole
from services.targets.plans.schemas import AdjustmentIn, AdjustmentOut, DecisionIn
from services.targets.plans.versions import apply_changes, copy_version
from shared.db import utcnow
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.events.targets.plans import PlanAdjusted
from shared.identity import Principal, Role
from shared.ids import new_uuid
from shared.org import scope_condition
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/targets")
adj = plan_tables.plan_adjustments
cells = plan_tables.target_cells
NIL = uuid.UUID(int=0)


def adjustment_out(row: Row) -> AdjustmentOut:
    return AdjustmentOut.model_validate(row, from_attributes=True)


def request_adjustment(
    conn: Connection, principal: Principal, plan_id: uuid.UUID, command: AdjustmentIn
) -> AdjustmentOut:
    """Ask for cells of a published plan to change; a manager above the requester decides."""
    plan = load_plan(conn, principal, plan_id)
    check_adjustable(plan.status)
    reason = check_reason(command.reason)
    changes = [(CellKey(c.org_unit_id, c.person_id, c.product_line, c.month), c.value) for c in command.changes]
    return open_adjustment(conn, principal, plan, changes, reason, command.id, reopen_reason=command.reopen_reason)


def open_adjustment(
    conn: Connection,
    principal: Principal,
    plan: Row,
    changes: Sequence[tuple[CellKey, object]],
    reason: str,
    adjustment_id: uuid.UUID | None = None,
    *,
    reopen_reason: str | None = None,
) -> AdjustmentOut:
    """Record a pending request after checking every changed cell is in the plan and in the caller's subtree,
    is an existing cell, and lies in an open month (or an admin reopened the closed ones with a reason)."""
    checked = check_changes(changes, plan.rounding_step)
    for i, (key, _) in enumerate(checked):
        if not covers(conn, principal, key.org_unit_id):
            raise NotFound(f"org unit {key.org_unit_id} not found", field=f"changes[{i}].org_unit_id")
        if not in_plan(conn, plan, key.org_unit_id):
            raise InvalidInput(f"org unit {key.org_unit_id} is not in this plan", field=f"changes[{i}].org_unit_id")
    ensure_people_in_scope(
        conn,
        principal,
        [(f"changes[{i}].person_id", key.person_id) for i, (key, _) in enumerate(checked) if key.person_id],
        valid_from=date(plan.fiscal_year, 1, 1),
        valid_to=date(plan.fiscal_year + 1, 1, 1),
    )
    keys = [key for key, _ in checked]
    check_existing_cells(keys, current_values(conn, plan.id, plan.current_version, keys))
    if reopen_reason is not None and principal.role != Role.admin:
        raise Forbidden("only an admin may reopen closed months")
    closed = closed_months(plan.fiscal_year, utcnow().date())
    check_open_months(keys, closed, reopened=reopen_reason is not None)
    adjustment_id = adjustment_id or new_uuid()
    if conn.scalar(select(adj.c.id).where(adj.c.id == adjustment_id)):
        raise Conflict(f"adjustment {adjustment_id} already exists", field="id")
    row = conn.execute(
        adj.insert()
        .values(
            id=adjustment_id,
            plan_id=plan.id,
            base_version=plan.current_version,
            status=RequestStatus.pending.value,
            reason=reason,
            requested_by=principal.subject,
            requester_org_unit_id=principal.org_unit_id,
            changes=[
                {
                    "org_unit_id": str(k.org_unit_id),
                    "person_id": k.person_id and str(k.person_id),
                    "product_line": k.product_line,
                    "month": k.month,
                    "value": str(v),
                    # Kept with the cell, so the approval knows this closed month was reopened, by whom and why.
                    **({"reopened": f"{principal.subject}: {reopen_reason}"} if k.month in closed else {}),
                }
                for k, v in checked
            ],
        )
        .returning(*adj.c)
    ).one()
    return adjustment_out(row)


def _load(
    conn: Connection, principal: Principal, plan_id: uuid.UUID, adjustment_id: uuid.UUID, *, for_update: bool = False
) -> tuple[Row, Row]:
    plan = load_plan(conn, principal, plan_id, for_update=for_update)
    query = select(adj).where(adj.c.id == adjustment_id, adj.c.plan_id == plan.id)
    row = conn.execute(query.with_for_update() if for_update else query).first()
    if row is None or not covers(conn, principal, row.requester_org_unit_id):
        raise NotFound(f"adjustment {adjustment_id} not found", field="adjustment_id")
    return plan, row


def _check_decider(conn: Connection, principal: Principal, row: Row) -> None:
    check_decider(
        principal.role,
        is_requester=principal.subject == row.requested_by,
        above_requester=above(conn, principal, row.requester_org_unit_id),
    )


def get_adjustment(
    conn: Connection, principal: Principal, plan_id: uuid.UUID, adjustment_id: uuid.UUID
) -> AdjustmentOut:
    return adjustment_out(_load(conn, principal, plan_id, adjustment_id)[1])


def list_adjustments(
    conn: Connection, principal: Principal, plan_id: uuid.UUID, *, status: str | None, limit: int, offset: int
) -> list[AdjustmentOut]:
    """Adjustment requests of the plan made in the caller's subtree, newest first."""
    plan = load_plan(conn, principal, plan_id)
    query = (
        select(adj)
        .where(adj.c.plan_id == plan.id, requested_in_scope(principal))
        .order_by(adj.c.created_at.desc(), adj.c.id)
    )
    if status is not None:
        query = query.where(adj.c.status == status)
    return [adjustment_out(r) for r in conn.execute(query.limit(limit).offset(offset))]


def requested_in_scope(principal: Principal):
    """Requests made from the caller's subtree (a global role sees all, including other global roles')."""
    if principal.sees_everything:
        return true()
    return scope_condition(db.org_units, principal, adj.c.requester_org_unit_id)


def reject_adjustment(
    conn: Connection, principal: Principal, plan_id: uuid.UUID, adjustment_id: uuid.UUID, command: DecisionIn
) -> AdjustmentOut:
    _, row = _load(conn, principal, plan_id, adjustment_id, for_update=True)
    _check_decider(conn, principal, row)
    check_pending(row.status, "adjustment")
    done = conn.execute(
        adj.update()
        .where(adj.c.id == row.id)
        .values(
            status=RequestStatus.rejected.value,
            decided_by=principal.subject,
            decided_at=utcnow(),
            decision_note=command.note,
        )
        .returning(*adj.c)
    ).one()
    return adjustment_out(done)


def approve_adjustment(
    conn: Connection, principal: Principal, plan_id: uuid.UUID, adjustment_id: uuid.UUID, command: DecisionIn
) -> AdjustmentOut:
    """Make a new version (the published one's cells with the changes) and put it in force."""
    plan, row = _load(conn, principal, plan_id, adjustment_id, for_update=True)
    _check_decider(conn, principal, row)
    check_pending(row.status, "adjustment")
    check_adjustable(plan.status)
    if row.base_version != plan.current_version:
        raise Conflict(
            f"the plan moved from version {row.base_version} to {plan.current_version} since this "
            "request; request the change again on the current version",
            field="base_version",
        )
    # A month that closed while the request waited is refused too, unless an admin reopened it in the request.
    closed = closed_months(plan.fiscal_year, utcnow().date())
    for i, change in enumerate(row.changes):
        if change["month"] in closed and "reopened" not in change:
            raise InvalidInput(
                f"month {change['month']} closed since this request; an admin must request it again with reopen_reason",
                field=f"changes[{i}].month",
            )
    old, new = plan.current_version, plan.current_version + 1
    copy_version(conn, plan.id, old, new)
    changed = apply_changes(
        conn, plan.id, new, row.changes, reference=row.id, reason=row.reason, actor=row.requested_by
    )
    ensure_whole(conn, plan.id, old, new)
    conn.execute(
        plan_tables.plan_versions.insert().values(
            plan_id=plan.id,
            version=new,
            reason=row.reason,
            created_by=principal.subject,
            based_on=old,
            adjustment_id=row.id,
        )
    )
    conn.execute(
        plan_tables.target_plans.update()
        .where(plan_tables.target_plans.c.id == plan.id)
        .values(current_version=new, published_version=new)
    )
    done = conn.execute(
        adj.update()
        .where(adj.c.id == row.id)
        .values(
            status=RequestStatus.approved.value,
            new_version=new,
            decided_by=principal.subject,
            decided_at=utcnow(),
            decision_note=command.note,
        )
        .returning(*adj.c)
    ).one()
    outbox.add(
        conn,
        PlanAdjusted(
            plan_id=plan.id,
            root_org_unit_id=plan.root_org_unit_id,
            adjustment_id=row.id,
            previous_version=old,
            published_version=new,
            changed_cells=changed,
            reason=row.reason,
        ),
    )
    return adjustment_out(done)
