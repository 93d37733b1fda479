"""Alerts for nodes falling behind time progress, evaluated for a plan (or a manager's subtree of it) as of a day.

Where it is evaluated: by POST /plans/{plan_id}/progress/alerts, meant to run once a day per published plan
(a scheduled job with a service token) and free to run again. Not in the order handler: a node falls behind
because time passes without sales, which no event announces. The month, quarter and year containing the day
are evaluated for every unit the caller sees the figures of (domain/visibility.py: a supervisor their subtree,
a company-wide caller the whole plan) and every rep in them. Each node-period's status is kept in
progress_alert_states: a ProgressBehind event goes in the outbox, in the same transaction, when the node falls
behind, and again only as a weekly reminder while it stays behind, so daily runs and reruns repeat nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, Row, select
from sqlalchemy.dialects.postgresql import insert

from services.targets import db
from services.targets.domain.progress import Progress, Status, periods_containing
from services.targets.domain.visibility import Viewer
from services.targets.plans.access import viewer_of
from services.targets.progress.board import Board, read_board, sees_unit
from services.targets.progress.figures import load_plan
from services.targets.progress.reps import reps_in
from services.targets.progress.schemas import AlertEvaluationOut
from services.targets.progress.tables import progress_alert_states, progress_alerts
from shared.errors import InvalidInput
from shared.events.targets import ProgressBehind
from shared.identity import Principal
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/targets")
REMINDER = timedelta(days=7)
CHUNK = 2000  # rows per INSERT, well under the 65,535 bind parameters a statement may carry


@dataclass(frozen=True)
class Node:
    kind: str  # org_unit | person
    id: uuid.UUID
    name: str
    unit_id: uuid.UUID  # the unit itself, or the rep's unit
    unit_name: str
    progress: Progress


def _evaluated(board: Board, conn: Connection, viewer: Viewer) -> list[Node]:
    """Every node the caller sees the figures of, with the names an alert carries."""
    units = [u for u in board.units if sees_unit(viewer, u)]
    found = [Node("org_unit", u.id, u.name, u.id, u.name, board.progress(*board.unit_figures(u.id))) for u in units]
    names = {u.id: u.name for u in units}
    reps = reps_in(conn, [u.id for u in units], board.ref_day)
    sums = board.person_figures(conn, [r.id for r in reps])
    found += [
        Node("person", r.id, r.name, r.org_unit_id, names[r.org_unit_id], board.progress(*sums[r.id])) for r in reps
    ]
    return found


def _due(previous: Row | None, as_of: date) -> bool:
    """A behind node is alerted when it falls behind, then again only once a week while it stays behind."""
    if previous is None or previous.status != Status.behind.value or previous.alerted_on is None:
        return True
    return as_of >= previous.alerted_on + REMINDER


def _record(conn: Connection, rows: list[dict]) -> None:
    states = progress_alert_states
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        stmt = insert(states).values(chunk)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[states.c.plan_id, states.c.node_id, states.c.period],
                set_={
                    "status": stmt.excluded.status,
                    "since": stmt.excluded.since,
                    "alerted_on": stmt.excluded.alerted_on,
                },
            )
        )


def evaluate_alerts(conn: Connection, principal: Principal, *, plan_id: uuid.UUID, as_of: date) -> AlertEvaluationOut:
    """Alert each node of the caller's subtree that fell behind (or is due its weekly reminder); reruns add nothing."""
    plan = load_plan(conn, plan_id, principal)  # scope first: nothing about the plan is said to a caller outside it
    viewer = viewer_of(conn, principal)
    if as_of.year != plan.fiscal_year:
        raise InvalidInput(f"as_of must lie in the plan's fiscal year {plan.fiscal_year}", field="as_of")
    periods = periods_containing(plan.fiscal_year, as_of)
    evaluated = behind = 0
    events: list[ProgressBehind] = []
    states = progress_alert_states
    for period in periods:
        board, _ = read_board(conn, plan, period, as_of)
        nodes = _evaluated(board, conn, viewer)
        evaluated += len(nodes)
        previous = {
            r.node_id: r
            for r in conn.execute(select(states).where(states.c.plan_id == plan.id, states.c.period == period.label))
        }
        changed: list[dict] = []
        for node in nodes:
            kind, node_id, p = node.kind, node.id, node.progress
            before = previous.get(node_id)
            is_behind = p.status is Status.behind
            behind += is_behind
            due = is_behind and _due(before, as_of)
            if not due and before is not None and before.status == p.status.value:
                continue
            since = as_of if before is None or before.status != p.status.value else before.since
            changed.append(
                dict(
                    plan_id=plan.id,
                    node_id=node_id,
                    period=period.label,
                    node_kind=kind,
                    status=p.status.value,
                    since=since,
                    alerted_on=as_of if due else (before.alerted_on if before is not None else None),
                )
            )
            if due:
                events.append(
                    ProgressBehind(
                        plan_id=plan.id,
                        metric=plan.metric,
                        node_kind=kind,
                        node_id=node_id,
                        org_unit_id=node.unit_id,
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
                        plan_name=plan.name,
                        node_name=node.name,
                        org_unit_name=node.unit_name,
                        person_name=node.name if kind == "person" else None,
                        behind_since=since,
                    )
                )
        _record(conn, changed)
    for start in range(0, len(events), CHUNK):
        conn.execute(
            insert(progress_alerts)
            .values(
                [
                    dict(plan_id=plan.id, node_id=e.node_id, period=e.period, as_of=as_of, node_kind=e.node_kind)
                    for e in events[start : start + CHUNK]
                ]
            )
            .on_conflict_do_nothing()
        )
    outbox.add(conn, *events)
    return AlertEvaluationOut(
        plan_id=plan.id,
        as_of=as_of,
        periods=[p.label for p in periods],
        nodes_evaluated=evaluated,
        behind=behind,
        alerts_published=len(events),
    )
