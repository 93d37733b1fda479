"""Coverage metrics per rep and rolled up: plan compliance, coverage, time in store, strike rate."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, and_, func, select

from services.visits import db
from services.visits.coverage.schemas import CountsOut, CoverageOut, MetricsOut, RepCoverage
from services.visits.domain.coverage import Counts, metrics, roll_up
from services.visits.outlets.tables import outlets
from services.visits.schedules.tables import schedule_entries, schedules
from services.visits.visits.completion import LOCAL
from services.visits.visits.tables import visits
from shared.errors import InvalidInput
from shared.identity import Principal
from shared.org import ensure_in_scope, subtree_ids


def coverage(conn: Connection, principal: Principal, org_unit_id: uuid.UUID, start: date, end: date) -> CoverageOut:
    """Each rep's counts under the org unit in [start, end] (local dates), their metrics and the roll-up."""
    if end < start or (end - start).days > 366:
        raise InvalidInput("the period covers 1 to 366 days, end not before start", field="end")
    ensure_in_scope(conn, db.org_units, principal, org_unit_id)
    units = subtree_ids(db.org_units, org_unit_id)
    since = datetime.combine(start, time(0), LOCAL)
    until = datetime.combine(end + timedelta(days=1), time(0), LOCAL)
    counts: dict[uuid.UUID, dict] = defaultdict(lambda: dict.fromkeys(Counts.__dataclass_fields__, 0))
    done = visits.alias("done")
    for r in conn.execute(
        select(
            schedule_entries.c.rep_id,
            func.count(func.distinct(schedule_entries.c.id)).label("planned"),
            func.count(func.distinct(done.c.schedule_entry_id)).label("done_planned"),
        )
        .join(schedules, schedules.c.id == schedule_entries.c.schedule_id)
        .outerjoin(done, and_(done.c.schedule_entry_id == schedule_entries.c.id, done.c.status == "completed"))
        .where(
            schedules.c.status == "published",
            schedules.c.org_unit_id.in_(units),
            schedule_entries.c.planned_on.between(start, end),
        )
        .group_by(schedule_entries.c.rep_id)
    ):
        counts[r.rep_id].update(planned=r.planned, done_planned=r.done_planned)
    for r in conn.execute(
        select(
            visits.c.rep_id,
            func.count().label("visits"),
            func.count().filter(visits.c.order_taken).label("visits_with_order"),
            func.coalesce(func.sum(visits.c.duration_minutes), 0).label("minutes_in_store"),
            func.count(func.distinct(visits.c.outlet_id)).label("outlets_visited"),
        )
        .where(
            visits.c.status == "completed",
            visits.c.org_unit_id.in_(units),
            visits.c.check_in_client_at >= since,
            visits.c.check_in_client_at < until,
        )
        .group_by(visits.c.rep_id)
    ):
        counts[r.rep_id].update(
            visits=r.visits,
            visits_with_order=r.visits_with_order,
            minutes_in_store=float(r.minutes_in_store),
            outlets_visited=r.outlets_visited,
        )
    for r in conn.execute(
        select(outlets.c.owner_rep_id, func.count().label("owned"))
        .where(outlets.c.org_unit_id.in_(units), outlets.c.owner_rep_id.is_not(None))
        .group_by(outlets.c.owner_rep_id)
    ):
        counts[r.owner_rep_id]["outlets_owned"] = r.owned
    per_rep = {rep: Counts(**c) for rep, c in counts.items()}
    reps = [_row(rep, c) for rep, c in sorted(per_rep.items(), key=lambda kv: str(kv[0]))]
    return CoverageOut(
        org_unit_id=org_unit_id, reps=reps, total=_row(org_unit_id, roll_up(per_rep.values())) if reps else None
    )


def _row(key: uuid.UUID, c: Counts) -> RepCoverage:
    return RepCoverage(rep_id=key, counts=CountsOut(**c.__dict__), metrics=MetricsOut(**metrics(c).__dict__))
