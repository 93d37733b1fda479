"""Use cases for progress: a node's figures with its rank and roll-up, and a unit's ranking of children and reps.

Scoping (domain/visibility.py): the plan must be visible before any period is read; a rep reads their own
progress and their office's total; a manager reads the nodes of their subtree, and the roll-up lists the
ancestors inside it and their parent's total. Anything else answers 404, like a node that does not exist.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Connection

from services.targets.domain.progress import elapsed_until
from services.targets.progress.board import (
    person_board,
    plan_and_period,
    ref_day,
    rep_ref,
    sees_unit_total,
    unit_board,
    unit_ref,
)
from services.targets.progress.figures import figures_read
from services.targets.progress.reps import rep_ids_in, reps_from, reps_in_read
from services.targets.progress.schemas import NodeProgressOut, RankingOut
from shared.identity import Principal


def unit_progress(
    conn: Connection,
    principal: Principal,
    *,
    plan_id: uuid.UUID,
    org_unit_id: uuid.UUID,
    period: str | None,
    date_from: date | None,
    date_to: date | None,
    as_of: date,
) -> NodeProgressOut:
    """An org unit's figures for a period, its rank among its siblings and every ancestor's figures."""
    plan, period_ = plan_and_period(conn, principal, plan_id, period=period, date_from=date_from, date_to=date_to)
    read = unit_board(conn, principal, plan, period_, org_unit_id, as_of)
    board = read.board
    me = board.unit_ranked(read.unit)
    ancestors = [board.unit_ranked(a) for a in board.ancestors(read.unit) if sees_unit_total(read.viewer, a)]
    return NodeProgressOut(
        **board.header(), node=me.node, figures=me.figures, rank=me.rank, rank_of=me.rank_of, ancestors=ancestors
    )


def person_progress(
    conn: Connection,
    principal: Principal,
    *,
    plan_id: uuid.UUID,
    person_id: uuid.UUID,
    period: str | None,
    date_from: date | None,
    date_to: date | None,
    as_of: date,
) -> NodeProgressOut:
    """A rep's figures, their rank among the reps of their unit, and the figures of the units above them."""
    plan, period_ = plan_and_period(conn, principal, plan_id, period=period, date_from=date_from, date_to=date_to)
    read = person_board(conn, principal, plan, period_, person_id, as_of)
    board = read.board
    me = board.ranked_one(rep_ref(read.rep), read.peers)
    chain = [*board.ancestors(read.unit), read.unit]
    ancestors = [board.unit_ranked(a) for a in chain if sees_unit_total(read.viewer, a)]
    return NodeProgressOut(
        **board.header(), node=me.node, figures=me.figures, rank=me.rank, rank_of=me.rank_of, ancestors=ancestors
    )


def unit_ranking(
    conn: Connection,
    principal: Principal,
    *,
    plan_id: uuid.UUID,
    org_unit_id: uuid.UUID,
    period: str | None,
    date_from: date | None,
    date_to: date | None,
    as_of: date,
) -> RankingOut:
    """A unit's child units and its own reps, each ranked among themselves by achievement rate (004 销售排名)."""
    plan, period_ = plan_and_period(conn, principal, plan_id, period=period, date_from=date_from, date_to=date_to)
    day, last_day = ref_day(period_, as_of), elapsed_until(period_, as_of)
    reps_figures = figures_read(plan, "person", period_, last_day, rep_ids_in([org_unit_id], day))
    read = unit_board(
        conn, principal, plan, period_, org_unit_id, as_of, reps_in_read([org_unit_id], day), reps_figures
    )
    board, (rep_rows, figure_rows) = read.board, read.more
    reps = reps_from(rep_rows)
    sums = board.sums_of(figure_rows, [r.id for r in reps])
    children = board.children.get(read.unit.id, [])
    org_units = board.ranked([(unit_ref(c), *board.unit_figures(c.id)) for c in children])
    return RankingOut(
        **board.header(),
        parent=board.unit_ranked(read.unit),
        org_units=org_units,
        reps=board.ranked([(rep_ref(r), *sums[r.id]) for r in reps]),
    )
