"""Use cases for progress: a node's figures with its rank and roll-up, and a unit's ranking of children and reps.

Scoping (domain/visibility.py): the plan must be visible before any period is read; a rep reads their own
progress and their office's total; a manager reads the nodes of their subtree, and the roll-up lists the
ancestors inside it and their parent's total. Anything else answers 404, like a node that does not exist.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Connection

from services.targets.progress.board import person_board, rep_ref, sees_unit_total, unit_board, unit_ref
from services.targets.progress.reps import reps_in
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
    board, unit, viewer = unit_board(
        conn, principal, plan_id, org_unit_id, period=period, date_from=date_from, date_to=date_to, as_of=as_of
    )
    me = board.unit_ranked(unit)
    ancestors = [board.unit_ranked(a) for a in board.ancestors(unit) if sees_unit_total(viewer, a)]
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
    read = person_board(
        conn, principal, plan_id, person_id, period=period, date_from=date_from, date_to=date_to, as_of=as_of
    )
    board, unit, viewer = read.board, read.unit, read.viewer
    me = board.ranked_one(rep_ref(read.rep), read.peers)
    chain = [*board.ancestors(unit), unit]
    ancestors = [board.unit_ranked(a) for a in chain if sees_unit_total(viewer, a)]
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
    board, unit, _ = unit_board(
        conn, principal, plan_id, org_unit_id, period=period, date_from=date_from, date_to=date_to, as_of=as_of
    )
    children = board.children.get(unit.id, [])
    org_units = board.ranked([(unit_ref(c), *board.unit_figures(c.id)) for c in children])
    reps = reps_in(conn, [unit.id], board.ref_day)
    sums = board.person_figures(conn, [r.id for r in reps])
    return RankingOut(
        **board.header(),
        parent=board.unit_ranked(unit),
        org_units=org_units,
        reps=board.ranked([(rep_ref(r), *sums[r.id]) for r in reps]),
    )
