"""Worker of the targets service: publishes its outbox, applies order events to actuals, evaluates progress alerts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Engine, select

from services.targets import db
from services.targets.handlers import HANDLERS
from services.targets.plans.tables import target_plans
from services.targets.progress.alerts import evaluate_alerts
from shared.identity import Principal, Role
from shared.jobs import Job
from shared.settings import Settings
from shared.worker import WorkerSpec

JOB_PRINCIPAL = Principal(subject="job:progress-alerts", role=Role.admin, org_unit_id=None)


def evaluate_progress_alerts(engine: Engine, settings: Settings, *, as_of: date | None = None) -> int:
    """Daily: behind-plan alerts for every published plan of the year, as of today; reruns publish nothing twice."""
    as_of = as_of or date.today()
    with engine.connect() as conn:
        plan_ids: Sequence[uuid.UUID] = conn.scalars(
            select(target_plans.c.id).where(
                target_plans.c.status == "published", target_plans.c.fiscal_year == as_of.year
            )
        ).all()
    published = 0
    for plan_id in plan_ids:  # one transaction per plan: a large plan does not hold the others back
        with engine.begin() as conn:
            published += evaluate_alerts(conn, JOB_PRINCIPAL, plan_id=plan_id, as_of=as_of).alerts_published
    return published


SPEC = WorkerSpec(
    service="targets",
    outbox=db.outbox,
    inbox=db.inbox,
    handlers=HANDLERS,
    dead_letters=db.dead_letters,
    idempotency_keys=db.idempotency_keys,
    # Hourly: the first run after midnight evaluates the new day; the rest find nothing new to publish.
    jobs=(Job("progress-alerts", 3600, evaluate_progress_alerts),),
)
