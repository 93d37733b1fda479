"""Use cases of audit plans and spot checks: draw a reproducible risk-stratified sample, fill its checklists,
turn failed items into findings and let a passing re-inspection verify a rectified one."""

from __future__ import annotations

import calendar
import json
import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, select, text, update

from services.audit import db
from services.audit.domain.days import supported
from services.audit.domain.risk import SEVERITY_WEIGHT
from services.audit.domain.sampling import stratified_sample
from services.audit.domain.settings import Severity
from services.audit.domain.workflow import FINISHED, Status, deadline_for
from services.audit.findings.tables import finding_transitions, findings
from services.audit.plans.schemas import (
    ChecklistIn,
    ChecklistOut,
    PlanIn,
    PlanOut,
    SampleItem,
    SpotCheckIn,
    SpotCheckOut,
)
from services.audit.plans.tables import audit_plans, spot_check_items, spot_checks
from shared.errors import InvalidInput, NotFound
from shared.identity import Principal
from shared.org import ensure_in_scope, scope_condition

RULE = "spot_check_failed"
_POPULATION = {
    "outlet": "SELECT 'outlet:' || outlet_id FROM audit.fact_outlets WHERE org_unit_id IN (SELECT id FROM sub)",
    "dealer": "SELECT 'dealer:' || dealer_id FROM audit.fact_dealers WHERE org_unit_id IN (SELECT id FROM sub)",
    "visit": "SELECT 'visit:' || visit_id FROM audit.fact_visits WHERE org_unit_id IN (SELECT id FROM sub) "
    "AND checked_in_at >= CAST(:day AS date) - 30 AND checked_in_at < CAST(:day AS date) + 1",
}
_WEIGHT = "CASE f.severity " + " ".join(f"WHEN '{s.value}' THEN {w}" for s, w in SEVERITY_WEIGHT.items()) + " END"
_DONE = ", ".join(f"'{s.value}'" for s in FINISHED | {Status.verified})


def create_plan(conn: Connection, principal: Principal, body: PlanIn) -> PlanOut:
    """A periodic audit of an org subtree: every N months a spot check of `sample_size` subjects."""
    supported(body.first_due, "first_due")
    ensure_in_scope(conn, db.org_units, principal, body.org_unit_id)
    values = body.model_dump(exclude={"first_due"})
    row = conn.execute(
        audit_plans.insert()
        .values(**values, next_due=body.first_due, created_by=principal.subject)
        .returning(*audit_plans.c)
    ).one()
    return PlanOut.model_validate(row)


def list_plans(conn: Connection, principal: Principal) -> list[PlanOut]:
    query = select(audit_plans).where(scope_condition(db.org_units, principal, audit_plans.c.org_unit_id))
    return [PlanOut.model_validate(r) for r in conn.execute(query.order_by(audit_plans.c.next_due))]


def _plan(conn: Connection, principal: Principal, plan_id: uuid.UUID):
    row = conn.execute(
        select(audit_plans).where(
            audit_plans.c.id == plan_id, scope_condition(db.org_units, principal, audit_plans.c.org_unit_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"audit plan {plan_id} not found", field="plan_id")
    return row


def _strata(conn: Connection, population: str, org_unit_id: uuid.UUID, day: date) -> dict[str, list[str]]:
    """The population by risk: high with open findings weighing 9 or more (one high), medium with any, else low."""
    rows = conn.execute(
        text(
            f"""WITH sub AS (
              SELECT id FROM audit.org_units WHERE path <@ (SELECT path FROM audit.org_units WHERE id = :unit)),
            pop(subject) AS ({_POPULATION[population]}),
            risk AS (SELECT split_part(f.subject, '/', 1) AS subject, sum({_WEIGHT}) AS score FROM audit.findings f
                     WHERE f.status NOT IN ({_DONE}) AND split_part(f.subject, '/', 1) IN (SELECT subject FROM pop)
                     GROUP BY 1)
            SELECT p.subject,
              CASE WHEN r.score >= 9 THEN 'high' WHEN r.score > 0 THEN 'medium' ELSE 'low' END AS stratum
            FROM pop p LEFT JOIN risk r ON r.subject = p.subject"""
        ),
        {"unit": org_unit_id, "day": day},
    )
    strata: dict[str, list[str]] = {"high": [], "medium": [], "low": []}
    for row in rows:
        strata[row.stratum].append(row.subject)
    return strata


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def draw_spot_check(conn: Connection, principal: Principal, plan_id: uuid.UUID, body: SpotCheckIn) -> SpotCheckOut:
    """Draw the plan's sample (stratified by risk, reproducible from the seed) and move the plan's next due date."""
    supported(body.checked_on, "checked_on")
    plan = _plan(conn, principal, plan_id)
    sample = stratified_sample(
        _strata(conn, plan.population, plan.org_unit_id, body.checked_on), plan.sample_size, body.seed
    )
    check_id = conn.scalar(
        spot_checks.insert()
        .values(
            plan_id=plan.id,
            org_unit_id=plan.org_unit_id,
            population=plan.population,
            sample_size=plan.sample_size,
            seed=body.seed,
            checked_on=body.checked_on,
            created_by=principal.subject,
        )
        .returning(spot_checks.c.id)
    )
    if sample:
        conn.execute(
            spot_check_items.insert(), [{"spot_check_id": check_id, "subject": s, "stratum": k} for k, s in sample]
        )
    conn.execute(
        update(audit_plans)
        .where(audit_plans.c.id == plan.id)
        .values(next_due=_add_months(body.checked_on, plan.every_months))
    )
    return get_spot_check(conn, principal, check_id)


def get_spot_check(conn: Connection, principal: Principal, check_id: uuid.UUID) -> SpotCheckOut:
    check = conn.execute(
        select(spot_checks).where(
            spot_checks.c.id == check_id, scope_condition(db.org_units, principal, spot_checks.c.org_unit_id)
        )
    ).first()
    if check is None:
        raise NotFound(f"spot check {check_id} not found", field="spot_check_id")
    items = conn.execute(
        select(spot_check_items)
        .where(spot_check_items.c.spot_check_id == check_id)
        .order_by(spot_check_items.c.subject)
    )
    return SpotCheckOut(
        id=check.id,
        plan_id=check.plan_id,
        org_unit_id=check.org_unit_id,
        population=check.population,
        seed=check.seed,
        checked_on=check.checked_on,
        items=[SampleItem.model_validate(i) for i in items],
    )


def fill_checklist(conn: Connection, principal: Principal, check_id: uuid.UUID, body: ChecklistIn) -> ChecklistOut:
    """Record the on-site checklist; a failed item opens (or updates) a finding, a passed one verifies a rectified
    finding of the same item."""
    check = get_spot_check(conn, principal, check_id)
    if body.subject not in {i.subject for i in check.items}:
        raise InvalidInput(f"{body.subject} is not in this spot check's sample", field="subject")
    conn.execute(
        update(spot_check_items)
        .where(spot_check_items.c.spot_check_id == check_id, spot_check_items.c.subject == body.subject)
        .values(checklist=[i.model_dump() for i in body.items], checked_by=principal.subject, checked_at=text("now()"))
    )
    period = f"{check.checked_on:%Y-%m}"
    opened: list[uuid.UUID] = []
    verified: list[uuid.UUID] = []
    for item in body.items:
        subject = f"{body.subject}/item:{item.code}"
        if not item.passed:
            opened.append(_open(conn, subject, period, check, item.note, principal.subject))
            continue
        rows: Sequence[uuid.UUID] = (
            conn.execute(
                update(findings)
                .where(
                    findings.c.rule == RULE, findings.c.subject == subject, findings.c.status == Status.rectifying.value
                )
                .values(status=Status.verified.value, updated_at=text("now()"))
                .returning(findings.c.id)
            )
            .scalars()
            .all()
        )
        for finding_id in rows:
            conn.execute(
                finding_transitions.insert().values(
                    finding_id=finding_id,
                    from_status="rectifying",
                    to_status="verified",
                    action="recheck",
                    actor=principal.subject,
                    note=f"passed in spot check {check_id}",
                )
            )
        verified += rows
    return ChecklistOut(findings_opened=opened, findings_verified=verified)


def _open(conn: Connection, subject: str, period: str, check: SpotCheckOut, note: str | None, actor: str) -> uuid.UUID:
    row = conn.execute(
        text(
            """INSERT INTO audit.findings AS f
              (rule, subject, period, org_unit_id, severity, evidence, sources, deadline)
            VALUES (:rule, :subject, :period, :unit, :severity, CAST(:evidence AS jsonb), '{}', :deadline)
            ON CONFLICT (rule, subject, period) DO UPDATE SET evidence = excluded.evidence, last_fired_at = now(),
              updated_at = now(), status = CASE WHEN f.status = 'verified' THEN 'open' ELSE f.status END
            RETURNING f.id, (xmax = 0) AS inserted"""
        ),
        {
            "rule": RULE,
            "subject": subject,
            "period": period,
            "unit": check.org_unit_id,
            "severity": Severity.medium.value,
            "deadline": deadline_for(Severity.medium, check.checked_on),
            "evidence": json.dumps({"spot_check_id": str(check.id), "note": note}),
        },
    ).one()
    if row.inserted:
        conn.execute(
            finding_transitions.insert().values(finding_id=row.id, to_status="open", action="fire", actor=actor)
        )
    return row.id
