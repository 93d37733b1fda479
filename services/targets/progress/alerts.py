"""Alerts for nodes falling behind time progress, evaluated for a whole plan as of a day.

Where it is evaluated: by POST /plans/{plan_id}/progress/alerts, meant to run once a day per published plan
(a scheduled job with a service token) and free to run again. Not in the order handler: a node falls behind
because time passes without sales, which no event announces. The month, quarter and year containing the day
are evaluated for every unit of the plan and every rep in it; each behind node-period is recorded in
progress_alerts under (plan, node, period, day), and only a newly recorded one puts a ProgressBehind event in
the outbox, in the same transaction, so a rerun the same day publishes nothing twice.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert

from services.targets import db
from services.targets.domain.progress import Progress, Status, periods_containing
from services.targets.domain.visibility import sees_figures
from services.targets.plans.access import load_plan as visible_plan
from services.targets.plans.access import path_lineage, viewer_of
from services.targets.progress.board import Board, read_board
from services.targets.progress.figures import load_plan, reps_in
from services.targets.progress.schemas import AlertEvaluationOut
from services.targets.progress.tables import progress_alerts
from shared.errors import InvalidInput, NotFound
from shared.events.targets import ProgressBehind
from shared.identity import Principal
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/targets")
CHUNK = 2000  # rows per INSERT, well under the 65,535 bind parameters a statement may carry


def _behind(board: Board, conn: Connection) -> tuple[int, list[tuple[str, uuid.UUID, uuid.UUID, Progress]]]:
    """(nodes evaluated, the behind ones as (kind, node id, their unit, progress))."""
    found = []
    for unit in board.units:
        progress = board.progress(*board.unit_figures(unit.id))
        if progress.status is Status.behind:
            found.append(("org_unit", unit.id, unit.id, progress))
    reps = reps_in(conn, [u.id for u in board.units], board.ref_day)
    sums = board.person_figures(conn, [r.id for r in reps])
    for rep in reps:
        progress = board.progress(*sums[rep.id])
        if progress.status is Status.behind:
            found.append(("person", rep.id, rep.org_unit_id, progress))
    return len(board.units) + len(reps), found


def evaluate_alerts(conn: Connection, principal: Principal, *, plan_id: uuid.UUID, as_of: date) -> AlertEvaluationOut:
    """Publish one alert per behind node and period as of the day; repeated runs add nothing."""
    visible_plan(conn, principal, plan_id)  # scope first: nothing about the plan is said to a caller outside it
    plan = load_plan(conn, plan_id)
    if not sees_figures(viewer_of(conn, principal), path_lineage(plan.root_path)):  # alerts cover the whole plan
        raise NotFound(f"plan {plan_id} not found", field="plan_id")
    if as_of.year != plan.fiscal_year:
        raise InvalidInput(f"as_of must lie in the plan's fiscal year {plan.fiscal_year}", field="as_of")
    periods = periods_containing(plan.fiscal_year, as_of)
    evaluated, events = 0, []
    for period in periods:
        board = read_board(conn, plan, period, as_of)
        count, behind = _behind(board, conn)
        evaluated += count
        events += [
            ProgressBehind(
                plan_id=plan.id,
                metric=plan.metric,
                node_kind=kind,
                node_id=node_id,
                org_unit_id=unit_id,
                period=period.label,
                period_start=period.start,
                period_end=period.end,
                as_of=as_of,
                target=p.target,
                actual=p.actual,
                gap=p.gap,
                achievement_rate=p.achievement_rate,
                time_progress=p.time_progress,
                margin=board.margin,
            )
            for kind, node_id, unit_id, p in behind
        ]
    fresh: set[tuple] = set()
    for start in range(0, len(events), CHUNK):
        chunk = events[start : start + CHUNK]
        recorded = conn.execute(
            insert(progress_alerts)
            .values(
                [
                    dict(plan_id=plan.id, node_id=e.node_id, period=e.period, as_of=as_of, node_kind=e.node_kind)
                    for e in chunk
                ]
            )
            .on_conflict_do_nothing()
            .returning(progress_alerts.c.node_id, progress_alerts.c.period)
        )
        new = {(r.node_id, r.period) for r in recorded}
        outbox.add(conn, *[e for e in chunk if (e.node_id, e.period) in new])
        fresh |= new
    return AlertEvaluationOut(
        plan_id=plan.id,
        as_of=as_of,
        periods=[p.label for p in periods],
        nodes_evaluated=evaluated,
        behind=len(events),
        alerts_published=len(fresh),
    )
