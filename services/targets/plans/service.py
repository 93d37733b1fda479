"""Use cases for target plans and their lifecycle: each takes a connection inside the caller's unit of work."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, Row, exists, select

from services.targets import db
from services.targets.domain.plan_lifecycle import PlanAction, PlanStatus, check_authority, next_status
from services.targets.domain.plan_versions import check_reason
from services.targets.domain.rounding import check_step
from services.targets.plans import tables as plan_tables
from services.targets.plans.access import above, covers, load_plan, plan_visible
from services.targets.plans.schemas import PlanCreate, PlanOut, StatusChangeOut, TransitionIn, VersionOut
from shared.errors import Conflict, InvalidInput
from shared.events.base import Event
from shared.events.targets.plans import PlanPublished, PlanStatusChanged
from shared.identity import Principal, Role
from shared.ids import new_uuid
from shared.org.scope import ensure_in_scope
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/targets")
tp = plan_tables.target_plans


def plan_out(row: Row) -> PlanOut:
    return PlanOut.model_validate(row, from_attributes=True)


def create_plan(conn: Connection, principal: Principal, command: PlanCreate) -> PlanOut:
    """Open a draft plan (version 1) for an org unit in the caller's subtree."""
    ensure_in_scope(conn, db.org_units, principal, command.root_org_unit_id)
    step = check_step(command.rounding_step)
    exponent = step.normalize().as_tuple().exponent
    assert isinstance(exponent, int), "check_step accepts finite steps only"
    if exponent < -2:
        raise InvalidInput(
            "targets are stored with 2 decimals; the rounding step may have at most 2", field="rounding_step"
        )
    plan_id = command.id or new_uuid()
    if conn.scalar(select(tp.c.id).where(tp.c.id == plan_id)):
        raise Conflict(f"plan {plan_id} already exists", field="id")
    row = conn.execute(
        tp.insert()
        .values(
            id=plan_id,
            root_org_unit_id=command.root_org_unit_id,
            name=command.name,
            metric=command.metric,
            fiscal_year=command.fiscal_year,
            unit=command.unit,
            rounding_step=step,
            status=PlanStatus.draft.value,
            current_version=1,
            created_by=principal.subject,
        )
        .returning(*tp.c)
    ).one()
    conn.execute(
        plan_tables.plan_versions.insert().values(
            plan_id=plan_id, version=1, reason="first draft", created_by=principal.subject
        )
    )
    return plan_out(row)


def get_plan(conn: Connection, principal: Principal, plan_id: uuid.UUID) -> PlanOut:
    return plan_out(load_plan(conn, principal, plan_id))


def list_plans(
    conn: Connection,
    principal: Principal,
    *,
    status: str | None,
    metric: str | None,
    fiscal_year: int | None,
    limit: int,
    offset: int,
) -> list[PlanOut]:
    """Plans the caller may see, newest first."""
    query = select(tp).where(plan_visible(principal)).order_by(tp.c.created_at.desc(), tp.c.id)
    for column, value in ((tp.c.status, status), (tp.c.metric, metric), (tp.c.fiscal_year, fiscal_year)):
        if value is not None:
            query = query.where(column == value)
    return [plan_out(r) for r in conn.execute(query.limit(limit).offset(offset))]


def transition(
    conn: Connection, principal: Principal, plan_id: uuid.UUID, action: PlanAction, command: TransitionIn
) -> PlanOut:
    """Move the plan along its lifecycle: role and place in the tree first (403), then its status (409)."""
    plan = load_plan(conn, principal, plan_id, for_update=True)
    step = check_authority(
        action,
        principal.role,
        at_or_above_root=covers(conn, principal, plan.root_org_unit_id),
        above_root=above(conn, principal, plan.root_org_unit_id),
        root_is_company=conn.scalar(select(db.org_units.c.kind).where(db.org_units.c.id == plan.root_org_unit_id))
        == "company",
    )
    target = next_status(plan.status, action)
    note = command.note
    if step.action is PlanAction.return_:
        note = check_reason(note, field="note")
    if step.action is PlanAction.submit and not _has_cells(conn, plan):
        raise InvalidInput("the plan has no targets yet; decompose or import them before submitting", field="cells")
    values = {"status": target.value}
    if target is PlanStatus.published:
        values["published_version"] = plan.current_version
    row = conn.execute(tp.update().where(tp.c.id == plan.id).values(**values).returning(*tp.c)).one()
    conn.execute(
        plan_tables.plan_status_changes.insert().values(
            plan_id=plan.id,
            action=step.action.value,
            from_status=plan.status,
            to_status=target.value,
            changed_by=principal.subject,
            note=note,
        )
    )
    events: list[Event] = [
        PlanStatusChanged(
            plan_id=plan.id,
            root_org_unit_id=plan.root_org_unit_id,
            metric=plan.metric,
            fiscal_year=plan.fiscal_year,
            action=step.action.value,
            from_status=plan.status,
            to_status=target.value,
            changed_by=principal.subject,
        )
    ]
    if target is PlanStatus.published:
        events.append(
            PlanPublished(
                plan_id=plan.id,
                root_org_unit_id=plan.root_org_unit_id,
                metric=plan.metric,
                fiscal_year=plan.fiscal_year,
                unit=plan.unit,
                published_version=plan.current_version,
            )
        )
    outbox.add(conn, *events)
    return plan_out(row)


def _has_cells(conn: Connection, plan: Row) -> bool:
    c = plan_tables.target_cells
    return bool(conn.scalar(select(exists().where(c.c.plan_id == plan.id, c.c.version == plan.current_version))))


def status_changes(conn: Connection, principal: Principal, plan_id: uuid.UUID) -> list[StatusChangeOut]:
    """The plan's lifecycle so far, oldest first."""
    load_plan(conn, principal, plan_id)
    sc = plan_tables.plan_status_changes
    rows = conn.execute(select(sc).where(sc.c.plan_id == plan_id).order_by(sc.c.id))
    return [StatusChangeOut.model_validate(r, from_attributes=True) for r in rows]


def list_versions(conn: Connection, principal: Principal, plan_id: uuid.UUID) -> list[VersionOut]:
    """Every version of the plan, oldest first; all stay readable."""
    plan = load_plan(conn, principal, plan_id)
    pv = plan_tables.plan_versions
    query = select(pv).where(pv.c.plan_id == plan_id).order_by(pv.c.version)
    if principal.role == Role.rep:
        query = query.where(pv.c.version <= plan.published_version)
    return [
        VersionOut(
            version=r.version,
            reason=r.reason,
            created_by=r.created_by,
            created_at=r.created_at,
            based_on=r.based_on,
            adjustment_id=r.adjustment_id,
            proposal_id=r.proposal_id,
            published=r.version == plan.published_version,
        )
        for r in conn.execute(query)
    ]
